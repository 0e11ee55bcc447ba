/**
 * Sum and Mean over one contiguous run of axes — the bias gradients (N, H, W of NHWC), global average
 * pooling (H, W) and the loss's sums — as one pass in JavaScript with float64 accumulators. oneDNN 2.6
 * has only its reference implementation for these reductions (≈10 ns per element, slower than this
 * loop); tfjs' cpu kernels first transpose the reduced axes to the end, a full copy. Other axis sets and
 * dtypes go to the cpu kernels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { cpuKernel, type OnednnKernelArgs, type OnednnKernelFunc } from "../backend.ts";

/** `shape` as [outer, reduced, inner] when `axes` are one contiguous run, else undefined. */
export function reductionRun(
  shape: readonly number[],
  axes: readonly number[],
): [number, number, number] | undefined {
  const sorted = [...axes].sort((a, b) => a - b);
  if (sorted.length === 0 || sorted.some((a, i) => i > 0 && a !== sorted[i - 1] + 1)) return undefined;
  const first = sorted[0], last = sorted[sorted.length - 1];
  const size = (from: number, to: number) => shape.slice(from, to).reduce((a, b) => a * b, 1);
  return [size(0, first), size(first, last + 1), size(last + 1, shape.length)];
}

/** Σ over the middle of [outer, reduced, inner] into float64. */
function sumRun(x: Float32Array, [outer, reduced, inner]: [number, number, number]): Float64Array {
  const acc = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    if (inner === 1) {
      let s = 0;
      const from = o * reduced;
      for (let r = 0; r < reduced; r++) s += x[from + r];
      acc[o] = s;
      continue;
    }
    for (let r = 0; r < reduced; r++) {
      const row = (o * reduced + r) * inner;
      for (let i = 0; i < inner; i++) acc[base + i] += x[row + i];
    }
  }
  return acc;
}

function reduceKernel(name: string, mean: boolean): OnednnKernelFunc {
  const fallback = cpuKernel(name);
  return ({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const run = x.dtype === "float32" ? reductionRun(x.shape, axes) : undefined;
    if (!run) return fallback({ inputs, backend, attrs }) as tf.TensorInfo;
    const acc = sumRun(backend.f32(x), run);
    const y = backend.alloc(acc.length);
    // As tfjs' cpu Mean: the float32 sum, then divided by the count.
    for (let i = 0; i < acc.length; i++) y[i] = mean ? Math.fround(acc[i]) / run[1] : acc[i];
    const shape = keepDims
      ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d))
      : x.shape.filter((_, i) => !axes.includes(i));
    return backend.output(shape, y);
  };
}

/** Sum. */
export const sum = reduceKernel(tf.Sum, false);
/** Mean. */
export const mean = reduceKernel(tf.Mean, true);
