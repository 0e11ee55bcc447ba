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
 * One Adam update of one variable in a single pass: `{value, gradient, m, v, accBeta1, accBeta2}` →
 * `[value', m', v']` (accBeta1/2: the optimizer's scalar β₁ᵗ, β₂ᵗ before this step), attrs
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
}

/**
 * A 2-D convolution with an optional per-channel bias, NHWC: `{x, filter, bias?}`, attrs
 * {@link Conv2DBiasAttrs} → y. What tfjs' fused conv2d computes, but differentiated lazily through a
 * registered gradient, so an input that needs no gradient (the image at the stem) costs no backward-data
 * convolution; tfjs' fused op computes every gradient of its custom-gradient closure eagerly.
 */
export const CONV2D_BIAS = "ProjectConv2DBias";

/**
 * The weight and bias gradients of {@link CONV2D_BIAS} in one kernel: `{x, dy}`, attrs
 * {@link Conv2DBiasAttrs} and `filterShape` → `[dFilter, dBias]` (the bias gradient comes with the
 * weight gradient's pass over dy).
 */
export const CONV2D_BIAS_FILTER_GRAD = "ProjectConv2DBiasFilterGrad";

/** Attributes of {@link CONV2D_BIAS}. */
export interface Conv2DBiasAttrs {
  strides: [number, number];
  pad: "same" | "valid";
}

/** y = conv(x, filter) + bias, as one kernel with a lazy gradient (see {@link CONV2D_BIAS}). */
export function conv2dBias(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D | null,
  attrs: Conv2DBiasAttrs,
): tf.Tensor4D {
  const inputs = bias ? { x, filter, bias } : { x, filter };
  return tf.engine().runKernel(
    CONV2D_BIAS,
    inputs as unknown as tf.NamedTensorMap,
    attrs as unknown as tf.NamedAttrMap,
  ) as tf.Tensor4D;
}
