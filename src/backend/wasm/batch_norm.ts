/**
 * `FusedBatchNorm` (the forward batch-norm op, used by tfjs-layers in training and inference) for wasm
 * when mean, variance, scale and offset are per-channel vectors (or scalars). The stock kernel costs
 * ~8 ns per element here; this folds scale / √(variance + ε) per channel in float64, as the cpu
 * backend computes per element, and does one multiply-add per element.
 */
import * as tf from "@tensorflow/tfjs-core";
import { alloc, type BackendWasm, callStock, heap, type HeapArray, sizeOf } from "./kernel_util.ts";

/** out[i] = offset[c] + (x[i] − mean[c]) · mult[c], c = i mod C, with the per-channel terms in float64. */
export function batchNormArray(
  x: HeapArray,
  channels: number,
  mean: Float64Array,
  mult: Float64Array,
  offset: Float64Array,
  dst: HeapArray,
): void {
  const n = x.length;
  for (let base = 0; base < n; base += channels) {
    for (let c = 0; c < channels; c++) {
      const i = base + c;
      dst[i] = offset[c] + (x[i] - mean[c]) * mult[c];
    }
  }
}

/** A parameter's values expanded to one per channel (length 1 or C), or undefined otherwise. */
function perChannel(values: HeapArray | undefined, channels: number, fill: number): Float64Array | undefined {
  const out = new Float64Array(channels);
  if (values === undefined) return out.fill(fill);
  if (values.length === 1) return out.fill(values[0]);
  if (values.length !== channels) return undefined;
  for (let c = 0; c < channels; c++) out[c] = values[c];
  return out;
}

/** Kernel registration entry replacing the stock wasm `FusedBatchNorm`. */
export const fusedBatchNormConfig: tf.KernelConfig = {
  kernelName: tf.FusedBatchNorm,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, mean, variance, offset, scale } = inputs as {
      x: tf.TensorInfo;
      mean: tf.TensorInfo;
      variance: tf.TensorInfo;
      offset?: tf.TensorInfo;
      scale?: tf.TensorInfo;
    };
    const { varianceEpsilon } = attrs as unknown as tf.FusedBatchNormAttrs;
    const b = backend as BackendWasm;
    const channels = x.shape.length > 0 ? x.shape[x.shape.length - 1] : 1;
    const params = [mean, variance, offset, scale].filter((t) => t != null);
    const view = (t: tf.TensorInfo | undefined) => t == null ? undefined : heap(b, t);
    const m = perChannel(view(mean), channels, 0);
    const v = perChannel(view(variance), channels, 0);
    const o = perChannel(view(offset), channels, 0);
    const s = perChannel(view(scale), channels, 1);
    if (
      x.dtype !== "float32" || params.some((t) => t.dtype !== "float32") || !m || !v || !o || !s ||
      sizeOf(x.shape) === 0 || channels === 0
    ) {
      return callStock(tf.FusedBatchNorm, b, inputs, attrs as unknown as tf.NamedAttrMap);
    }
    for (let c = 0; c < channels; c++) s[c] = s[c] / Math.sqrt(v[c] + varianceEpsilon);
    const out = alloc(b, x.shape, "float32");
    batchNormArray(heap(b, x), channels, m, s, o, heap(b, out));
    return out;
  },
};
