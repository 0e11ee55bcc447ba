/**
 * The bench's arithmetic: FLOPs counted from a model (2 × multiply-adds of convs and dense layers)
 * against a hand count, and the speed-up / forward-conv-share lines built from result rows.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { forwardFlopsPerImage } from "../../bench/flops.ts";
import { type BenchRow, ratioLines } from "../../bench/run.ts";

Deno.test("forward FLOPs are counted from the model's conv and dense layers", async () => {
  await tf.setBackend("cpu");
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false; // no "install tfjs-node" banner
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, strides: 2, padding: "same" }),
      tf.layers.batchNormalization(),
      tf.layers.conv2d({ filters: 6, kernelSize: 1 }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 2 }),
    ],
  });
  // conv 3×3 s2: 4×4×4 outputs × 27 MACs; conv 1×1: 4×4×6 outputs × 4 MACs; dense: 6×2 MACs.
  assert.equal(forwardFlopsPerImage(model), 2 * (4 * 4 * 4 * 27 + 4 * 4 * 6 * 4 + 6 * 2));
  model.dispose();
});

Deno.test("ratio lines compare wasm with each other backend and flag estimates", () => {
  const base = { batch: 1, inputSize: 64, timedSize: 64, msPerStep: 1, forwardGflopPerImage: 0.1 };
  const rows: BenchRow[] = [
    {
      ...base,
      graph: "small64",
      backend: "wasm",
      imagesPerSec: 28.7,
      effectiveGflops: 6,
      forwardConvGflops: 15,
      stepShareOfConv: 0.4,
    },
    {
      ...base,
      graph: "small64",
      backend: "cpu",
      imagesPerSec: 0.1,
      effectiveGflops: 0.02,
      estimate: "scaled",
    },
  ];
  assert.deepEqual(ratioLines(rows), [
    "small64 wasm/cpu speedup: 287x (cpu estimated)",
    "small64 wasm step: 6.00 of 15.00 GFLOP/s forward-conv = 40%",
  ]);
});
