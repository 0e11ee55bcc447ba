/**
 * metrics.csv (one flat row per epoch, like Keras' CSVLogger), and the loss weighting and warm-up
 * fields of config.json: runs made before they existed still read, and a bad value names its field.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  appendMetrics,
  type EpochRecord,
  metricsCsv,
  parseRunConfig,
  truncateMetrics,
} from "../../src/run/mod.ts";
import { isUserError } from "../../src/util/errors.ts";

const record = (epoch: number, extra: Partial<EpochRecord> = {}): EpochRecord => ({
  epoch,
  step: 4 * epoch,
  lr: 1e-3,
  loss: 1.5 - epoch / 10,
  headLoss: { smile: 0.7, gender: 0.8 },
  trainAccuracy: { smile: 0.6, gender: 0.55 },
  valLoss: { smile: 0.71, gender: 0.81 },
  valAccuracy: { smile: 0.5, gender: 0.625 },
  meanValAccuracy: 0.5625,
  imagesPerSecond: 100,
  seconds: 2,
  valSeconds: 0.5,
  ...extra,
});

Deno.test("metrics.csv: a header and one flat row per epoch; missing values are empty cells", () => {
  const rows = metricsCsv([
    record(1), // made before loss weights were recorded
    record(2, { lossWeights: { smile: 0.9, gender: 1.1 }, logVariance: { smile: 0.1, gender: -0.1 } }),
  ]).trimEnd().split("\n");
  assert.deepEqual(rows[0].split(","), [
    "epoch",
    "step",
    "lr",
    "loss",
    "smile_loss",
    "smile_accuracy",
    "gender_loss",
    "gender_accuracy",
    "val_smile_loss",
    "val_smile_accuracy",
    "val_gender_loss",
    "val_gender_accuracy",
    "val_mean_accuracy",
    "smile_loss_weight",
    "gender_loss_weight",
    "smile_log_variance",
    "gender_log_variance",
    "images_per_second",
    "seconds",
    "val_seconds",
  ]);
  assert.equal(rows[1], "1,4,0.001,1.4,0.7,0.6,0.8,0.55,0.71,0.5,0.81,0.625,0.5625,,,,,100,2,0.5");
  assert.equal(
    rows[2],
    "2,8,0.001,1.3,0.7,0.6,0.8,0.55,0.71,0.5,0.81,0.625,0.5625,0.9,1.1,0.1,-0.1,100,2,0.5",
  );
  // Without log-variances (fixed, dwa) there are no such columns.
  assert.ok(!metricsCsv([record(1, { lossWeights: { smile: 1, gender: 1 } })]).includes("log_variance"));
});

Deno.test("metrics.csv: cut back with metrics.jsonl when a run resumes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "metrics-csv-" });
  for (const e of [1, 2, 3]) await appendMetrics(dir, record(e));
  await truncateMetrics(dir, 3);
  const rows = (await Deno.readTextFile(join(dir, "metrics.csv"))).trimEnd().split("\n");
  assert.deepEqual(rows.map((r) => r.split(",")[0]), ["epoch", "1", "2"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("config.json: lossWeighting and warmup are recorded, optional for older runs, and checked", () => {
  const base = {
    graph: "g.ts",
    graphName: "g",
    data: "data/synth",
    skipBad: false,
    inputSize: 32,
    epochs: 2,
    batchSize: 16,
    optimizer: { kind: "adam", lr: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    schedule: [],
    augment: { flip: true, shift: 0.1 },
    heads: [{ name: "smile", classes: ["no", "yes"], lossWeight: 1 }],
    microBatch: 16,
    seed: 1,
    checkpointEvery: 0,
    backend: "wasm",
    createdAt: "2026-12-01T00:00:00.000Z",
    command: ["train"],
  };
  assert.equal(parseRunConfig(base, "c.json").lossWeighting, undefined, "older runs: fixed");
  const warm = { epochs: 1, layers: ["smile/att_gender"] };
  const c = parseRunConfig({ ...base, lossWeighting: "dwa", warmup: warm }, "c.json");
  assert.equal(c.lossWeighting, "dwa");
  assert.deepEqual(c.warmup, warm);
  const fails = (patch: Record<string, unknown>, pattern: RegExp) =>
    assert.throws(
      () => parseRunConfig({ ...base, ...patch }, "c.json"),
      (e) => isUserError(e) && pattern.test(e.message),
    );
  fails({ lossWeighting: "gradnorm" }, /^c\.json: lossWeighting: /);
  fails({ warmup: { epochs: 0, layers: ["x"] } }, /^c\.json: warmup\.epochs: /);
  fails({ warmup: { epochs: 1, layers: ["x"], extra: 1 } }, /^c\.json: warmup: /);
});
