/**
 * The divergence guard: the global gradient norm and the largest weight against naive references,
 * each cause (non-finite loss, exploding gradient, saturated network, runaway weights), and a run
 * stopped by it: one line, the last good checkpoint kept, and advice that `--resume` accepts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { TRAIN } from "../../src/cli/train.ts";
import { checkCheckpoint, latestCheckpoint, readRunConfig, readWeights } from "../../src/run/mod.ts";
import { checkStep, DivergenceError, globalNorm, lowerLr, maxAbs } from "../../src/train/guard.ts";
import { executeRun } from "../../src/train/run.ts";
import { prepareNewRun } from "../../src/train/setup.ts";
import { Rng } from "../../src/util/rng.ts";
import { memorySink, tempRuns, tinyCheckpointedRunOptions, wasmBackend } from "./helpers.ts";

Deno.test("globalNorm and maxAbs agree with naive loops; NaN or ∞ anywhere makes maxAbs NaN", async () => {
  await wasmBackend();
  const rng = new Rng(9);
  const arrays = [[3, 4], [2, 5, 1], [7]].map((shape) =>
    Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.range(-3, 3))
  );
  const tensors = arrays.map((a, i) => tf.tensor(a, [[3, 4], [2, 5, 1], [7]][i]));
  let sq = 0, max = 0;
  for (const a of arrays) for (const v of a) [sq, max] = [sq + v * v, Math.max(max, Math.abs(v))];
  assert.ok(Math.abs(await globalNorm(tensors) - Math.sqrt(sq)) < 1e-5 * Math.sqrt(sq));
  assert.equal(await maxAbs(tensors), Math.fround(max));
  const withNaN = tf.tensor([1, NaN, 2]);
  assert.ok(Number.isNaN(await maxAbs([...tensors, withNaN])));
  assert.ok(Number.isNaN(await maxAbs([tf.tensor([-Infinity, 1])])), "an infinity counts as not finite too");
  assert.equal(await globalNorm([]), 0);
  tf.dispose([...tensors, withNaN]);
});

Deno.test("checkStep names each cause; a limit of 0 turns its check off", () => {
  const limits = { maxGradNorm: 100, maxWeight: 10 };
  assert.deepEqual(checkStep(NaN, 1, limits), { cause: "loss", value: NaN, limit: Infinity });
  assert.deepEqual(checkStep(1, 101, limits), { cause: "gradient", value: 101, limit: 100 });
  assert.deepEqual(checkStep(1, Infinity, { ...limits, maxGradNorm: 0 }), {
    cause: "gradient",
    value: Infinity,
    limit: Infinity,
  });
  assert.equal(checkStep(1, 1e9, { ...limits, maxGradNorm: 0 }), undefined);
  assert.deepEqual(checkStep(16.1, 0, limits), { cause: "saturated", value: 16.1, limit: 0 });
  assert.equal(checkStep(1e-7, 0, limits), undefined, "a fitted loss may have a zero gradient");
  assert.equal(checkStep(1.2, 3, limits), undefined);
  assert.equal(lowerLr(1e-3), "0.0001");
  assert.equal(lowerLr(10), "1");
});

async function divergingRun(runs: string, overrides: Record<string, unknown>, guard = {}) {
  return await prepareNewRun(
    await tinyCheckpointedRunOptions(runs, {
      runId: "d",
      overrides: { epochs: 3, batchSize: 16, ...overrides },
      checkpointEvery: 1,
      guard,
    }),
  );
}

Deno.test("runaway weights stop the run in one line; the last checkpoint is good; --resume takes the advice", async () => {
  await wasmBackend();
  const runs = await tempRuns();
  // A weight limit just above the initial weights trips after a few steps of a high learning rate.
  const run = await divergingRun(runs, { optimizer: { lr: 0.05 } }, { maxWeight: 1.3 });
  const e = await executeRun(run, {
    cacheDir: join(runs, ".cache"),
    sink: memorySink(),
    curves: false,
    log: () => {},
  })
    .then(() => null, (e) => e);
  assert.ok(e instanceof DivergenceError, String(e));
  assert.equal(e.stop.divergence.cause, "weights");
  assert.equal(e.message.split("\n").length, 1);
  assert.match(
    e.message,
    /a weight reached \|w\| = [\d.]+, over --max-weight 1\.3; stopped without saving it/,
  );
  const ckpt = (await latestCheckpoint(run.runDir))!;
  assert.equal(e.checkpoint, ckpt);
  assert.equal(await checkCheckpoint(ckpt), null);
  for (const [name, t] of Object.entries(await readWeights(join(ckpt, "model.json")))) {
    assert.ok(t.dataSync().every((v) => Math.abs(v) <= 1.3), `${name} is within the limit`);
  }
  const advice = e.message.match(/deno task train (--resume \S+ --lr \S+)$/);
  assert.ok(advice, e.message);
  // The advice, as given (plus a higher limit so the run can go on), is accepted by the command.
  const args = [
    ...advice[1].split(" "),
    "--max-weight",
    "1e6",
    "--stop-after-steps",
    String(e.stop.step + 1),
  ];
  const quiet = console.log;
  console.log = () => {};
  try {
    await TRAIN.run([...args, "--backend", "wasm", "--no-curves", "--cache", join(runs, ".cache")]);
  } finally {
    console.log = quiet;
  }
  const config = await readRunConfig(run.runDir);
  assert.equal(config.resumes!.length, 1);
  assert.deepEqual(config.resumes![0].changes.map((c) => c.field), ["schedule", "guard"]);
  assert.equal(config.schedule.at(-1)!.lr, 0.005);
});

Deno.test("a learning rate far too high saturates the network: stopped, and a new run without checkpoint is removed", async () => {
  await wasmBackend();
  const runs = await tempRuns();
  const fresh = await divergingRun(runs, { optimizer: { lr: 10 } });
  const e = await executeRun({ ...fresh, config: { ...fresh.config, checkpointEvery: 0 } }, {
    cacheDir: join(runs, ".cache"),
    sink: memorySink(),
    curves: false,
    log: () => {},
    removeOnDataError: true,
  }).then(() => null, (e) => e);
  assert.ok(e instanceof DivergenceError, String(e));
  assert.equal(e.stop.divergence.cause, "saturated");
  assert.match(e.message, /every output saturated: the loss sits at [\d.]+ with a gradient of exactly 0/);
  assert.match(
    e.message,
    /No checkpoint was written yet \(the run's folder is removed\): start a new run with a lower learning rate \(e\.g\. --lr 1\)$/,
  );
  assert.equal(await Deno.stat(fresh.runDir).then(() => true, () => false), false);
});
