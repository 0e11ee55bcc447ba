/**
 * Ops the project adds to tfjs for backends that run them as one fused kernel (today: `onednn`).
 * A caller checks {@link backendHasKernel} and otherwise uses tfjs' composed ops, so models behave the
 * same on every backend. Kernel names are plain strings, like tfjs' own.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Batch-norm in training mode: `{x, scale, offset}`, attr `epsilon` → `[y, mean, variance]` (per channel). */
export const BATCH_NORM_TRAINING = "ProjectBatchNormTraining";
/** Its gradient: `{dy, x, scale, mean, variance}` → `[dx, dScale, dOffset]`. */
export const BATCH_NORM_TRAINING_GRAD = "ProjectBatchNormTrainingGrad";
/** ReLU's gradient in one pass: `{dy, x}` → dy where x > 0, else 0. */
export const RELU_GRAD = "ProjectReluGrad";

/** True when the current backend registers kernel `name`. */
export function backendHasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/**
 * Normalises `x` over every axis but the last with the batch's own mean and (biased) variance, then
 * scales and shifts per channel: tfjs-layers' `normalizeBatchInTraining` in one kernel. The gradient
 * (registered by the backend) flows through the statistics too.
 */
export function batchNormTraining(
  x: tf.Tensor,
  scale: tf.Tensor1D,
  offset: tf.Tensor1D,
  epsilon: number,
): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  return tf.engine().runKernel(
    BATCH_NORM_TRAINING,
    { x, scale, offset } as unknown as tf.NamedTensorMap,
    { epsilon },
  ) as unknown as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
}

/**
 * One Adam update of one variable in a single pass: `{value, gradient, m, v}` → `[value', m', v']`, attrs
 * {@link AdamUpdateAttrs}. Rounds to float32 after every operation, as tfjs' composed update does, so
 * the result is the same bit for bit.
 */
export const ADAM_UPDATE = "ProjectAdamUpdate";

/** Constants of {@link ADAM_UPDATE}: as tfjs' AdamOptimizer uses them in one step. */
export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 − β₁ᵗ and 1 − β₂ᵗ for this step. */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
}
