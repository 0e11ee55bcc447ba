/**
 * Cross-entropy of softmax outputs against class labels: what the training loss sums and what
 * evaluation reports per head.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * Smoothing of the log: CE = -log(p + ε) + log(1 + ε) (1 + ε rounded to float32), so p = 0 costs about
 * -log ε ≈ 16 instead of ∞ and p = 1 costs exactly 0. (Not a clip: clipping turns a NaN output into ε
 * on some backends and would hide a diverged run; NaN passes through this.)
 */
export const LOG_EPSILON = 1e-7;

/** Cross-entropy per example of softmax outputs `probs` [B, C] against int labels [B]. */
export function crossEntropy(probs: tf.Tensor, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, probs.shape[1]!);
    const logp = tf.sub(tf.log(tf.add(probs, LOG_EPSILON)), Math.log(Math.fround(1 + LOG_EPSILON)));
    return tf.neg(tf.sum(tf.mul(oneHot, logp), -1)) as tf.Tensor1D;
  });
}

/** Per-head outputs of a model as an array (a one-head model returns a single tensor). */
export function headOutputs(out: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(out) ? out : [out];
}
