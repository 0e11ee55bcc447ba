/**
 * Registers the project's wasm training kernels: the missing Conv2DBackpropFilter, faster
 * replacements for stock kernels that dominate a training step, and forward convs that avoid
 * XNNPACK's buggy SAME-padding flag.
 */
import * as tf from "@tensorflow/tfjs-core";
import { batchMatMulConfig } from "./batch_matmul.ts";
import { fusedBatchNormConfig } from "./batch_norm.ts";
import { conv2DBackpropFilterConfig } from "./conv2d_backprop_filter.ts";
import { conv2DBackpropInputConfig } from "./conv2d_backprop_input.ts";
import {
  conv2DSameConfig,
  depthwiseSameConfig,
  fusedConv2DSameConfig,
  fusedDepthwiseSameConfig,
} from "./conv_same_pad.ts";
import { identityConfig } from "./identity.ts";
import { captureStock } from "./kernel_util.ts";
import { meanConfig, sumConfig } from "./reduce.ts";
import { reverseConfig } from "./reverse.ts";
import { sliceConfig, stridedSliceConfig } from "./slice.ts";
import { tileConfig } from "./tile.ts";
import { transposeConfig } from "./transpose.ts";

/** Every kernel the project registers for wasm, in registration order. */
export const WASM_TRAINING_KERNELS: readonly tf.KernelConfig[] = [
  conv2DBackpropFilterConfig,
  conv2DBackpropInputConfig,
  conv2DSameConfig,
  fusedConv2DSameConfig,
  depthwiseSameConfig,
  fusedDepthwiseSameConfig,
  batchMatMulConfig,
  fusedBatchNormConfig,
  tileConfig,
  sumConfig,
  meanConfig,
  sliceConfig,
  stridedSliceConfig,
  reverseConfig,
  transposeConfig,
  identityConfig,
];

// Marks our configs so a second call (or a second copy of this module) sees they are in place.
const MARK = Symbol.for("facemtl.wasm.trainingKernel");

/** True when `name` on wasm is one of the project's kernels. */
export function isProjectKernel(name: string): boolean {
  const cfg = tf.getKernel(name, "wasm") as (tf.KernelConfig & { [MARK]?: true }) | undefined;
  return cfg?.[MARK] === true;
}

/**
 * Registers the kernels above for the wasm backend. Idempotent: safe to call any number of times.
 * Stock kernels are captured before being replaced, so the new kernels can still call them.
 * Works whether or not the wasm backend has been initialised yet (setup functions run on init).
 */
export function registerWasmTrainingKernels(): void {
  // Capture every stock kernel the project kernels call, before any override.
  for (const name of [tf.Conv2D, tf.BatchMatMul, tf.Transpose, tf.Slice, tf.StridedSlice, tf.Tile]) {
    captureStock(name);
  }
  for (const cfg of WASM_TRAINING_KERNELS) {
    if (isProjectKernel(cfg.kernelName)) continue;
    const stock = captureStock(cfg.kernelName);
    if (tf.getKernel(cfg.kernelName, "wasm")) tf.unregisterKernel(cfg.kernelName, "wasm");
    // Keep the stock setupFunc: it binds the wasm function that callStock still uses.
    tf.registerKernel({ ...cfg, setupFunc: stock?.setupFunc, [MARK]: true } as tf.KernelConfig);
  }
}
