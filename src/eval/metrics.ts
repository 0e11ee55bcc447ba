/**
 * Evaluation metrics of a multi-head classifier: per-head accuracy and cross-entropy over a set of
 * images (layers in inference mode: batch-norm uses its moving statistics), and their mean over heads —
 * the paper's Table 1 columns.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readTensors } from "../backend/read.ts";
import { batches } from "../data/mod.ts";
import type { ImageSource } from "../data/mod.ts";
import { crossEntropy, headOutputs } from "./cross_entropy.ts";

/** A head as evaluation needs it. */
export interface EvalHead {
  name: string;
  classes: string[];
}

/** One head's result. */
export interface HeadMetrics {
  correct: number;
  count: number;
  /** correct / count. */
  accuracy: number;
  /** Mean cross-entropy. */
  loss: number;
}

/** Result of {@link evaluate}: per head, and the mean accuracy over heads. */
export interface EvalResult {
  count: number;
  heads: Record<string, HeadMetrics>;
  meanAccuracy: number;
}

/** Mean of the values of a record (the "average" column); NaN when empty. */
export function meanOf(values: Record<string, number>): number {
  const v = Object.values(values);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
}

/**
 * Accuracy and loss of every head over `set` (all images, in order, no augmentation); a streamed set is
 * read batch by batch, in file order. Each batch's counts are read asynchronously, in one read (every
 * backend supports that; WebGPU in Deno has no synchronous read).
 */
export async function evaluate(
  model: tf.LayersModel,
  set: ImageSource,
  heads: readonly EvalHead[],
  batchSize = 64,
): Promise<EvalResult> {
  const sums = heads.map(() => ({ correct: 0, loss: 0 }));
  let count = 0;
  for (const b of batches(set, { batchSize, shuffle: false, seed: 0, epoch: 0 })) {
    // Per head: [correct, summed cross-entropy].
    const perHead = tf.tidy(() => {
      const out = headOutputs(
        model.apply(tf.tensor4d(b.x, [b.count, b.size, b.size, 3]), { training: false }) as tf.Tensor,
      );
      return heads.map((h, i) => {
        const labels = tf.tensor1d(b.labels[h.name], "int32");
        const correct = tf.sum(tf.cast(tf.equal(tf.argMax(out[i], -1), labels), "float32"));
        return tf.stack([correct, tf.sum(crossEntropy(out[i], labels))]);
      });
    });
    try {
      (await readTensors(perHead)).forEach(([c, l], i) => {
        sums[i].correct += c;
        sums[i].loss += l;
      });
    } finally {
      tf.dispose(perHead);
    }
    count += b.count;
  }
  const result: Record<string, HeadMetrics> = {};
  heads.forEach((h, i) => {
    result[h.name] = {
      correct: sums[i].correct,
      count,
      accuracy: count ? sums[i].correct / count : NaN,
      loss: count ? sums[i].loss / count : NaN,
    };
  });
  return {
    count,
    heads: result,
    meanAccuracy: meanOf(Object.fromEntries(Object.entries(result).map(([k, v]) => [k, v.accuracy]))),
  };
}
