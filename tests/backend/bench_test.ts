/**
 * The bench's arithmetic: FLOPs counted from a model (2 × multiply-adds of convs and dense layers)
 * against a hand count, and the speed-up / forward-conv-share lines built from result rows.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { forwardFlopsPerImage } from "../../bench/flops.ts";
import { type BenchRow, ratioLines } from "../../bench/run.ts";
import { headsOf, makeTrainStep, randomBatch } from "../../bench/train_step.ts";
import { useBackend } from "../../src/backend/mod.ts";
import { compileFile } from "../../src/compiler/mod.ts";
import { createOptimizer } from "../../src/train/optimizer.ts";
import { buildSeededModel } from "../../src/train/setup.ts";
import { trainStep } from "../../src/train/step.ts";
import { TINY_ATTENTION } from "../train/helpers.ts";

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

Deno.test("ratio lines put each backend against the PyTorch peer, with threads and batch", () => {
  const base = {
    batch: 32,
    inputSize: 64,
    timedSize: 64,
    msPerStep: 1,
    forwardGflopPerImage: 0.1,
    effectiveGflops: 1,
  };
  const rows: BenchRow[] = [
    { ...base, graph: "small64", backend: "onednn", imagesPerSec: 300, threads: 2 },
    { ...base, graph: "small64", backend: "wasm", imagesPerSec: 30, threads: 1 },
    { ...base, graph: "small64", backend: "torch", imagesPerSec: 250, threads: 2 },
  ];
  const lines = ratioLines(rows);
  assert(lines.includes("small64 onednn/torch: 1.20× (2 vs 2 threads, batch 32)"), lines.join("\n"));
  assert(lines.includes("small64 wasm/torch: 0.12× (1 vs 2 threads, batch 32)"), lines.join("\n"));
  assert(lines.includes("small64 onednn/wasm speedup: 10.0x"), lines.join("\n"));
});

Deno.test("the bench times the trainer's own step: same losses as trainStep on the same model and batch", async () => {
  await useBackend("wasm");
  const { ir } = await compileFile(TINY_ATTENTION);
  const heads = headsOf(ir);
  const bench = makeTrainStep(buildSeededModel(ir, 5), ir, 8, 4);
  const direct = {
    model: buildSeededModel(ir, 5),
    optimizer: createOptimizer({
      optimizer: { kind: "adam", lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
    }),
  };
  const batch = randomBatch(heads, 8, ir.input[0]);
  for (let step = 0; step < 2; step++) {
    const got = await bench.run();
    const want = (await trainStep(direct.model, direct.optimizer, heads, batch, 4, step)).loss;
    assert.equal(got, want, `step ${step}`);
  }
  bench.dispose();
  direct.optimizer.dispose();
});
