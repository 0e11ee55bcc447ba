/**
 * The multi-task loss: softmax cross-entropy per head, weighted by the head's λ and summed
 * (the paper's L = Σ λ_t L_t) unless a loss weighting gives another objective (loss_weighting.ts),
 * plus the per-head sums that progress and metrics report.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { crossEntropy } from "../eval/cross_entropy.ts";
import type { HeadConfig } from "../run/config.ts";

/** What one forward pass contributes. */
export interface LossTerms {
  /**
   * Σ_h λ_h · Σ_b CE_hb / `denominator` (the pass's size: its mean loss), or the `objective` of the
   * per-head means: the value to differentiate.
   */
  total: tf.Scalar;
  /** Per head: Σ_b CE_hb (unweighted), shape [H]. */
  lossSums: tf.Tensor1D;
  /** Per head: number of examples whose arg-max class is the label, shape [H]. */
  correct: tf.Tensor1D;
}

/**
 * Loss terms of one (micro-)batch. `outputs[i]` is head i's softmax; `labels[i]` its class indices.
 * `denominator` is normally the number of examples in the pass, making `total` the pass's mean loss.
 * `objective`, when given, makes `total` from the per-head mean cross-entropies [H] instead.
 */
export function lossTerms(
  outputs: tf.Tensor[],
  labels: tf.Tensor1D[],
  heads: readonly HeadConfig[],
  denominator: number,
  objective?: (meanLosses: tf.Tensor1D) => tf.Scalar,
): LossTerms {
  const sums: tf.Scalar[] = [];
  const correct: tf.Scalar[] = [];
  let total: tf.Scalar = tf.scalar(0);
  heads.forEach((h, i) => {
    const ce = crossEntropy(outputs[i], labels[i]);
    const sum = tf.sum(ce) as tf.Scalar;
    sums.push(sum);
    if (!objective) total = tf.add(total, tf.mul(sum, h.lossWeight / denominator));
    correct.push(tf.sum(tf.cast(tf.equal(tf.argMax(outputs[i], -1), labels[i]), "float32")) as tf.Scalar);
  });
  const lossSums = tf.stack(sums) as tf.Tensor1D;
  if (objective) total = objective(tf.div(lossSums, denominator));
  return { total, lossSums, correct: tf.stack(correct) as tf.Tensor1D };
}
