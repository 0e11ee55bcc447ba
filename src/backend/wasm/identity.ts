/**
 * `Identity` for wasm sharing the data (a new reference), as the cpu backend does. The stock kernel
 * copies; gradient bookkeeping calls it hundreds of times per training step. Tensors are immutable
 * (kernels only write the outputs they allocate), so sharing is safe.
 */
import * as tf from "@tensorflow/tfjs-core";
import { type BackendWasm, callStock, reshapeInfo } from "./kernel_util.ts";

/** Kernel registration entry replacing the stock wasm `Identity`. */
export const identityConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const b = backend as BackendWasm;
    if (x.dtype === "string") return callStock(tf.Identity, b, { x });
    return reshapeInfo(b, x, x.shape);
  },
};
