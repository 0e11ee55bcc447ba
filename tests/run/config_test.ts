/**
 * config.json, spec.json and metrics.jsonl are parsed on read: a damaged or hand-edited file is one
 * line naming the file and the field; runs made before preprocessing was recorded get the one they used.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  defaultPreprocessing,
  parseRunConfig,
  readMetrics,
  readRunConfig,
  readRunSpec,
  type RunConfig,
  writeRunConfig,
} from "../../src/run/mod.ts";
import { isUserError } from "../../src/util/errors.ts";
import { tempDir } from "../temp.ts";

/** A config.json as runs made before this change wrote it (no preprocessing). */
function oldConfig(): Record<string, unknown> {
  return {
    graph: "examples/small_tmtl.ts",
    graphName: "small_tmtl",
    data: "data/synth",
    skipBad: false,
    inputSize: 48,
    epochs: 7,
    batchSize: 64,
    optimizer: { kind: "adam", lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    schedule: [{ afterEpoch: 5, lr: 0.0001 }],
    augment: { flip: true, shift: 0.1 },
    heads: [
      { name: "smile", attribute: "Smiling", classes: ["non-smile", "smile"], lossWeight: 1 },
      { name: "gender", attribute: "Male", classes: ["female", "male"], lossWeight: 1 },
    ],
    microBatch: 64,
    seed: 1,
    checkpointEvery: 0,
    backend: "wasm",
    createdAt: "2026-11-28T10:00:00.000Z",
    command: ["paired", "examples/small_tmtl.ts"],
  };
}

async function runWith(config: unknown, raw?: string): Promise<string> {
  const dir = await tempDir("run-config-");
  await Deno.writeTextFile(join(dir, "config.json"), raw ?? JSON.stringify(config, null, 2));
  return dir;
}

async function userError(f: () => Promise<unknown>): Promise<string> {
  const e = await f().then(() => null, (e) => e);
  assert.ok(isUserError(e), `expected a UserError, got ${e}`);
  assert.equal(e.message.split("\n").length, 1, e.message);
  return e.message;
}

Deno.test("an old config.json reads back with the preprocessing its run used", async () => {
  const config = await readRunConfig(await runWith(oldConfig()));
  assert.deepEqual(config.preprocessing, {
    size: 48,
    crop: "box",
    fit: "fill",
    resize: "lanczos3",
    channels: "rgb",
    layout: "nhwc",
    scale: "x/255",
  });
  assert.equal(config.optimizer.lr, 0.001);
  assert.deepEqual(config.heads.map((h) => h.name), ["smile", "gender"]);
});

Deno.test("a config written and read back is the same, preprocessing included", async () => {
  const dir = await tempDir();
  const config = {
    ...parseRunConfig(oldConfig(), "x"),
    preprocessing: { ...defaultPreprocessing(48), fit: "cover" },
  };
  await writeRunConfig(dir, config as RunConfig);
  assert.deepEqual(await readRunConfig(dir), config);
});

Deno.test("a damaged config.json is one line naming the file and the field", async () => {
  const cases: [Record<string, unknown> | undefined, string | undefined, RegExp][] = [
    [
      { ...oldConfig(), epochs: "three" },
      undefined,
      /config\.json: epochs: expected number, received string$/,
    ],
    [{ ...oldConfig(), epochs: 0 }, undefined, /config\.json: epochs: Too small/],
    [
      { ...oldConfig(), epcohs: 3 },
      undefined,
      /config\.json: unknown field "epcohs" \(did you mean "epochs"\?\)$/,
    ],
    [
      { ...oldConfig(), optimizer: { kind: "adam", lr: 0.001, beta1: 0.9, beta2: 0.999 } },
      undefined,
      /config\.json: optimizer\.epsilon: expected number, received undefined$/,
    ],
    [
      { ...oldConfig(), heads: [{ name: "smile", classes: ["a"], lossWeight: 1 }] },
      undefined,
      /config\.json: heads\[0\]\.classes: Too small/,
    ],
    [
      { ...oldConfig(), preprocessing: defaultPreprocessing(64) },
      undefined,
      /config\.json: preprocessing\.size: must equal inputSize$/,
    ],
    [undefined, '{ "graph": "x",\n  "epochs": 3,,\n}', /config\.json:2:15: /],
  ];
  for (const [config, raw, pattern] of cases) {
    const dir = await runWith(config, raw);
    const message = await userError(() => readRunConfig(dir));
    assert.ok(message.startsWith(join(dir, "config.json")), message);
    assert.match(message, pattern);
  }
  const empty = await tempDir();
  assert.match(await userError(() => readRunConfig(empty)), /: not a run directory \(no config\.json\)$/);
});

Deno.test("spec.json is parsed with the graph schema and named in its errors; absent is undefined", async () => {
  const dir = await tempDir();
  assert.equal(await readRunSpec(dir), undefined);
  await Deno.writeTextFile(
    join(dir, "spec.json"),
    JSON.stringify({ name: "x", input: [8, 8, 3], trunk: [], heads: {} }),
  );
  assert.match(await userError(() => readRunSpec(dir)), /spec\.json: trunk: Too small/);
});

Deno.test("metrics.jsonl: a torn line is skipped, a wrong record is named by line and field", async () => {
  const dir = await tempDir();
  const record = {
    epoch: 1,
    step: 4,
    lr: 0.001,
    loss: 1.2,
    headLoss: { smile: 0.6 },
    trainAccuracy: { smile: 0.5 },
    valLoss: { smile: 0.7 },
    valAccuracy: { smile: 0.55 },
    meanValAccuracy: 0.55,
    imagesPerSecond: 10,
    seconds: 6,
    valSeconds: 1,
  };
  const file = join(dir, "metrics.jsonl");
  await Deno.writeTextFile(
    file,
    JSON.stringify(record) + "\n" + JSON.stringify({ ...record, epoch: 2 }).slice(0, 30),
  );
  assert.deepEqual(await readMetrics(dir), [record]);
  await Deno.writeTextFile(
    file,
    JSON.stringify(record) + "\n" + JSON.stringify({ ...record, loss: "high" }) + "\n",
  );
  assert.match(
    await userError(() => readMetrics(dir)),
    /metrics\.jsonl:2: loss: expected number, received string$/,
  );
});
