/**
 * The step the bench times is the trainer's own: `trainStep` from src/train/step.ts — forward in
 * training mode, the project's λ-weighted cross-entropy over the heads, gradients accumulated over
 * micro-batches as configured, one Adam update (fused where the backend has the kernel) — on a fixed
 * batch of random images and labels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { IR } from "../src/compiler/mod.ts";
import type { HeadConfig } from "../src/run/config.ts";
import { createOptimizer } from "../src/train/optimizer.ts";
import { type StepBatch, trainStep } from "../src/train/step.ts";
import { Rng } from "../src/util/rng.ts";

/** What each bench row says it timed. */
export const TIMED = "trainStep: Adam, the project's loss, micro-batches as the trainer chooses";

/** A step over a fixed batch. */
export interface BenchStep {
  /** Examples per forward/backward pass. */
  microBatch: number;
  /** Runs one optimizer step; returns its loss. */
  run(): Promise<number>;
  dispose(): void;
}

/** The heads of a graph as the trainer sees them (λ as the graph sets it). */
export function headsOf(ir: IR): HeadConfig[] {
  return ir.heads.map((h) => ({ name: h.name, classes: h.classes, lossWeight: h.lossWeight }));
}

/** A batch of `count` seeded random images of `size`×`size` with labels cycling over each head's classes. */
export function randomBatch(heads: readonly HeadConfig[], count: number, size: number, seed = 1): StepBatch {
  const rng = new Rng(seed);
  const x = new Float32Array(count * size * size * 3);
  for (let i = 0; i < x.length; i++) x[i] = rng.next();
  const labels = Object.fromEntries(
    heads.map((h, i) => [h.name, Int32Array.from({ length: count }, (_, b) => (b + i) % h.classes.length)]),
  );
  return { count, size, x, labels };
}

/** The trainer's step for `model` (compiled from `ir`) on a batch of `batch` images, in passes of `microBatch`. */
export function makeTrainStep(model: tf.LayersModel, ir: IR, batch: number, microBatch: number): BenchStep {
  const heads = headsOf(ir);
  const optimizer = createOptimizer({
    optimizer: { kind: "adam", lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  });
  const data = randomBatch(heads, batch, ir.input[0]);
  let step = 0;
  return {
    microBatch,
    run: async () => (await trainStep(model, optimizer, heads, data, microBatch, step++)).loss,
    dispose: () => optimizer.dispose(),
  };
}

/**
 * Runs `warmup` untimed steps, then timed ones: at least `steps`, and more until `seconds` have passed
 * (short steps are noisy one by one); returns milliseconds per step.
 */
export async function timeSteps(
  step: BenchStep,
  warmup: number,
  steps: number,
  seconds = 0,
): Promise<number> {
  for (let i = 0; i < warmup; i++) await step.run();
  const t0 = performance.now();
  let n = 0;
  while (n < steps || performance.now() - t0 < seconds * 1000) {
    await step.run();
    n++;
  }
  return (performance.now() - t0) / n;
}
