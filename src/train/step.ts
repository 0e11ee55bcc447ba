/**
 * One optimizer step of the custom training loop: forward and backward passes over micro-batches
 * (layers in training mode, so batch-norm uses batch statistics and updates its moving mean and
 * variance), gradients summed, the loss checked for NaN/∞, then one `applyGradients`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { HeadConfig } from "./config.ts";
import { lossTerms } from "./loss.ts";
import { deriveSeed, withSeededRandom } from "./rng.ts";

/** What a step needs of a batch (the data layer's `Batch` fits). */
export interface StepBatch {
  count: number;
  size: number;
  /** `count*size*size*3` floats, NHWC. */
  x: Float32Array;
  labels: Record<string, Int32Array>;
}

/** What one step did. */
export interface StepResult {
  /** The batch's loss Σ λ_h · mean CE_h (before the update). */
  loss: number;
  /** Per head: summed cross-entropy over the batch. */
  lossSums: number[];
  /** Per head: correctly classified examples. */
  correct: number[];
  count: number;
  /** False when the loss was NaN or infinite; then no update was applied. */
  finite: boolean;
}

/** The variables a model trains, in the model's weight order (which fixes the optimizer's slot order). */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** Sums per-micro-batch gradient maps into `acc`, disposing what is replaced. */
function accumulate(acc: tf.NamedTensorMap, grads: tf.NamedTensorMap): void {
  for (const [name, g] of Object.entries(grads)) {
    const prev = acc[name];
    if (!prev) acc[name] = g;
    else {
      acc[name] = tf.add(prev, g);
      tf.dispose([prev, g]);
    }
  }
}

/**
 * Runs one optimizer step on `batch`, split into passes of at most `microBatch` examples.
 * In-model randomness (dropout) is drawn from a stream seeded by `stepSeed`, so a resumed run
 * repeats it exactly.
 */
export function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  heads: readonly HeadConfig[],
  batch: StepBatch,
  microBatch: number,
  stepSeed: number,
): StepResult {
  const vars = trainableVariables(model);
  const px = batch.size * batch.size * 3;
  const acc: tf.NamedTensorMap = {};
  const lossSums = new Array(heads.length).fill(0);
  const correct = new Array(heads.length).fill(0);
  let loss = 0;
  const passes = Math.ceil(batch.count / microBatch);
  try {
    for (let k = 0; k < passes; k++) {
      const start = k * microBatch;
      const m = Math.min(microBatch, batch.count - start);
      const kept: tf.Tensor[] = [];
      const { value, grads } = withSeededRandom(deriveSeed(stepSeed, k), () =>
        tf.tidy(() => {
          const x = tf.tensor4d(batch.x.subarray(start * px, (start + m) * px), [
            m,
            batch.size,
            batch.size,
            3,
          ]);
          const labels = heads.map((h) =>
            tf.tensor1d(batch.labels[h.name].subarray(start, start + m), "int32")
          );
          return tf.variableGrads(() => {
            const out = model.apply(x, { training: true }) as tf.Tensor | tf.Tensor[];
            const terms = lossTerms(Array.isArray(out) ? out : [out], labels, heads, batch.count);
            kept.push(tf.keep(terms.lossSums), tf.keep(terms.correct));
            return terms.total;
          }, vars);
        }));
      loss += value.dataSync()[0];
      const [ls, cr] = [kept[0].dataSync(), kept[1].dataSync()];
      heads.forEach((_, i) => {
        lossSums[i] += ls[i];
        correct[i] += cr[i];
      });
      tf.dispose([value, ...kept]);
      accumulate(acc, grads);
    }
    const finite = Number.isFinite(loss);
    if (finite) {
      // Every variable keeps its slot (index) in the optimizer, with or without a gradient.
      optimizer.applyGradients(vars.map((v) => ({ name: v.name, tensor: acc[v.name] })));
    }
    return { loss, lossSums, correct, count: batch.count, finite };
  } finally {
    tf.dispose(Object.values(acc));
  }
}
