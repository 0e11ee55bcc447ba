/** Accuracy tables in the paper's Table 1 style, and per-head metrics over an image set. */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { ImageSet } from "../../src/data/mod.ts";
import { evaluate, meanOf } from "../../src/eval/metrics.ts";
import { accuracyTable } from "../../src/eval/table.ts";

Deno.test("accuracyTable: rows of runs, a column per head and the average, in percent", () => {
  const table = accuracyTable([
    { name: "TMTL", accuracy: { smile: 0.9213, gender: 0.9731 } },
    { name: "Attention MTL", accuracy: { smile: 0.9262, gender: 0.9725 } },
  ]);
  assert.equal(
    table,
    [
      "| Architecture  |     smile |    gender |   average |",
      "| :------------ | --------: | --------: | --------: |",
      "| TMTL          |     92.13 | **97.31** |     94.72 |",
      "| Attention MTL | **92.62** |     97.25 | **94.94** |",
    ].join("\n"),
  );
});

Deno.test("accuracyTable: one row is not bolded; a missing head shows as – and is left out of the average", () => {
  assert.equal(
    accuracyTable([{ name: "run", accuracy: { smile: 0.5 } }], { heads: ["smile", "gender"], digits: 1 }),
    [
      "| Architecture | smile | gender | average |",
      "| :----------- | ----: | -----: | ------: |",
      "| run          |  50.0 |      – |    50.0 |",
    ].join("\n"),
  );
});

Deno.test("meanOf averages a record's values", () => {
  assert.equal(meanOf({ a: 0.5, b: 1 }), 0.75);
  assert.ok(Number.isNaN(meanOf({})));
});

Deno.test("evaluate counts arg-max hits per head in inference mode", async () => {
  await tf.setBackend("cpu");
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  // Head "bright": class 1 when the mean pixel is high; head "dark": the opposite.
  const input = tf.input({ shape: [2, 2, 3] });
  const pooled = tf.layers.globalAveragePooling2d({}).apply(input) as tf.SymbolicTensor;
  const dense = (name: string, sign: number) => {
    const layer = tf.layers.dense({ name, units: 2, activation: "softmax" });
    const out = layer.apply(pooled) as tf.SymbolicTensor;
    layer.setWeights([
      tf.tensor2d([[-sign, sign], [-sign, sign], [-sign, sign]]),
      tf.tensor1d([sign * 1.5, -sign * 1.5]),
    ]);
    return out;
  };
  const model = tf.model({ inputs: input, outputs: [dense("bright", 10), dense("dark", -10)] });
  const levels = [0, 40, 200, 255, 10];
  const set: ImageSet = {
    size: 2,
    count: levels.length,
    pixels: Uint8Array.from(levels.flatMap((v) => new Array(12).fill(v))),
    labels: { bright: Int32Array.from([0, 0, 1, 0, 0]), dark: Int32Array.from([1, 1, 0, 0, 1]) },
    ids: levels.map(String),
    problems: [],
    decoded: 0,
    fromCache: false,
  };
  const r = await evaluate(model, set, [{ name: "bright", classes: ["d", "b"] }, {
    name: "dark",
    classes: ["b", "d"],
  }], 2);
  assert.equal(r.count, 5);
  assert.equal(r.heads.bright.correct, 4); // the 255 image is labelled 0
  assert.equal(r.heads.bright.accuracy, 0.8);
  assert.equal(r.heads.dark.correct, 5);
  assert.ok(Math.abs(r.meanAccuracy - 0.9) < 1e-12);
  assert.ok(r.heads.dark.loss >= 0 && r.heads.dark.loss < 1e-3, String(r.heads.dark.loss));
  // The one confident miss costs about -log(1e-7) ≈ 16.1, averaged over 5 images.
  assert.ok(Math.abs(r.heads.bright.loss - 16.118 / 5) < 0.01, String(r.heads.bright.loss));
});
