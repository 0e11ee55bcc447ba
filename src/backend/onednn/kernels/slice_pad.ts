/**
 * Slice and PadV2 as copies of contiguous runs (TypedArray.set, i.e. memcpy): the zero-padding layers of
 * ResNet50 (conv1_pad, pool1_pad) and their gradients. tfjs' cpu kernels index element by element
 * through a generic buffer: seconds for one 8×114×114×64 slice.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { cpuKernel, type OnednnKernelArgs } from "../backend.ts";

/** Strides (elements) of a row-major shape. */
function stridesOf(shape: readonly number[]): number[] {
  const s = new Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/**
 * Copies the box `size` starting at `srcBegin` of `src` (shape `srcShape`) to `dstBegin` of `dst`
 * (shape `dstShape`), one contiguous innermost run at a time.
 */
function copyBox(
  src: Float32Array,
  srcShape: readonly number[],
  srcBegin: readonly number[],
  dst: Float32Array,
  dstShape: readonly number[],
  dstBegin: readonly number[],
  size: readonly number[],
): void {
  const rank = size.length;
  if (size.some((d) => d === 0)) return;
  const [ss, ds] = [stridesOf(srcShape), stridesOf(dstShape)];
  // Merge trailing axes that are whole on both sides into one run.
  let inner = rank - 1;
  while (inner > 0 && size[inner] === srcShape[inner] && size[inner] === dstShape[inner]) inner--;
  const run = size[inner] * ss[inner];
  const idx = new Array(inner).fill(0);
  for (;;) {
    let s = srcBegin[inner] * ss[inner], d = dstBegin[inner] * ds[inner];
    for (let i = 0; i < inner; i++) {
      s += (srcBegin[i] + idx[i]) * ss[i];
      d += (dstBegin[i] + idx[i]) * ds[i];
    }
    dst.set(src.subarray(s, s + run), d);
    let k = inner - 1;
    while (k >= 0 && ++idx[k] === size[k]) idx[k--] = 0;
    if (k < 0) return;
  }
}

const cpuSlice = cpuKernel(tf.Slice);

/** Slice: `{x}`, attrs `begin`, `size` (−1: to the end). */
export function slice({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  if (x.dtype !== "float32" || x.shape.length === 0) {
    return cpuSlice({ inputs, backend, attrs }) as tf.TensorInfo;
  }
  const a = attrs as { begin: number | number[]; size: number | number[] };
  const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, a.begin, a.size);
  tf.slice_util.assertParamsValid(x as tf.Tensor, begin, size);
  const y = backend.alloc(tf.util.sizeFromShape(size));
  copyBox(backend.f32(x), x.shape, begin, y, size, size.map(() => 0), size);
  return backend.output(size, y);
}

const cpuPad = cpuKernel(tf.PadV2);

/** PadV2: `{x}`, attrs `paddings` ([before, after] per axis), `constantValue`. */
export function padV2({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  if (x.dtype !== "float32" || x.shape.length === 0) {
    return cpuPad({ inputs, backend, attrs }) as tf.TensorInfo;
  }
  const { paddings, constantValue } = attrs as unknown as {
    paddings: [number, number][];
    constantValue: number;
  };
  const shape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
  const y = backend.alloc(tf.util.sizeFromShape(shape));
  y.fill(constantValue); // the border (a recycled buffer holds old values)
  copyBox(backend.f32(x), x.shape, x.shape.map(() => 0), y, shape, paddings.map((p) => p[0]), x.shape);
  return backend.output(shape, y);
}
