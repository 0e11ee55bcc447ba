/**
 * `Reverse` for wasm as a slice with step −1 on the reversed axes (contiguous copies where the last
 * axis is kept); the stock kernel costs ~90 ns per element here.
 */
import * as tf from "@tensorflow/tfjs-core";
import { type BackendWasm, callStock } from "./kernel_util.ts";
import { sliceInfo } from "./slice.ts";

/** Kernel registration entry replacing the stock wasm `Reverse`. */
export const reverseConfig: tf.KernelConfig = {
  kernelName: tf.Reverse,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { dims } = attrs as unknown as tf.ReverseAttrs;
    const b = backend as BackendWasm;
    if (x.dtype === "string" || x.shape.length === 0) return callStock(tf.Reverse, b, { x }, { dims });
    const axes = new Set(tf.util.parseAxisParam(dims, x.shape));
    const begin = x.shape.map((d, i) => axes.has(i) ? d - 1 : 0);
    const step = x.shape.map((_, i) => axes.has(i) ? -1 : 1);
    return sliceInfo(b, x, begin, x.shape, step);
  },
};
