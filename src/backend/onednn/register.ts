/**
 * The kernels of the `onednn` backend: every cpu kernel under the new name, then the oneDNN ones over
 * them, and the gradients of the fused kernels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  ADAM_UPDATE,
  BATCH_NORM_TRAINING,
  BATCH_NORM_TRAINING_GRAD,
  CONV2D_BIAS,
  CONV2D_BIAS_FILTER_GRAD,
  RELU_GRAD,
} from "../../layers/fused_kernels.ts";
import { ONEDNN, type OnednnKernelFunc } from "./backend.ts";
import { registerFusedGradients } from "./gradients.ts";
import { adamUpdate } from "./kernels/adam.ts";
import { batchNormTraining, batchNormTrainingGrad, fusedBatchNorm } from "./kernels/batch_norm.ts";
import {
  conv2D,
  conv2DBackpropFilter,
  conv2DBackpropInput,
  conv2DBias,
  conv2DBiasFilterGrad,
  fusedConv2D,
} from "./kernels/conv2d.ts";
import { add, multiply, realDiv, sub } from "./kernels/binary.ts";
import { reluGrad, UNARY_KERNELS } from "./kernels/elementwise.ts";
import { avgPool, avgPoolGrad, maxPool, maxPoolGrad } from "./kernels/pool.ts";
import { batchMatMul } from "./kernels/matmul.ts";
import { mean, sum } from "./kernels/reduce.ts";
import { padV2, slice } from "./kernels/slice_pad.ts";
import { unpack } from "./kernels/unpack.ts";

/** The kernels oneDNN runs, by tfjs kernel name. */
export const ONEDNN_KERNELS: Readonly<Record<string, OnednnKernelFunc>> = {
  ...UNARY_KERNELS,
  [tf.Conv2D]: conv2D,
  [tf.FusedConv2D]: fusedConv2D,
  [CONV2D_BIAS]: conv2DBias,
  [CONV2D_BIAS_FILTER_GRAD]: conv2DBiasFilterGrad,
  [tf.Conv2DBackpropInput]: conv2DBackpropInput,
  [tf.Conv2DBackpropFilter]: conv2DBackpropFilter,
  [BATCH_NORM_TRAINING]: batchNormTraining,
  [BATCH_NORM_TRAINING_GRAD]: batchNormTrainingGrad,
  [tf.FusedBatchNorm]: fusedBatchNorm,
  [RELU_GRAD]: reluGrad,
  [tf.Add]: add,
  [tf.Sub]: sub,
  [tf.Multiply]: multiply,
  [tf.RealDiv]: realDiv,
  [tf.MaxPool]: maxPool,
  [tf.MaxPoolGrad]: maxPoolGrad,
  [tf.AvgPool]: avgPool,
  [tf.AvgPoolGrad]: avgPoolGrad,
  [ADAM_UPDATE]: adamUpdate,
  [tf.BatchMatMul]: batchMatMul,
  [tf.Unpack]: unpack,
  [tf.Slice]: slice,
  [tf.PadV2]: padV2,
  [tf.Sum]: sum,
  [tf.Mean]: mean,
};

/** Registers the backend's kernels and gradients (once per process). */
export function registerOnednnKernels(): void {
  for (const cfg of tf.getKernelsForBackend("cpu")) {
    if (!(cfg.kernelName in ONEDNN_KERNELS)) tf.registerKernel({ ...cfg, backendName: ONEDNN });
  }
  for (const [kernelName, kernelFunc] of Object.entries(ONEDNN_KERNELS)) {
    tf.registerKernel({ kernelName, backendName: ONEDNN, kernelFunc: kernelFunc as tf.KernelFunc });
  }
  registerFusedGradients();
}
