/**
 * Slice and StridedSlice in JavaScript on the wasm heap. Stock wasm Slice copies the whole input out
 * of the heap first (readSync) and StridedSlice walks element by element (~70 ns each); training
 * slices activations (concat gradients, sub-sampling in the conv backward kernels).
 */
import * as tf from "@tensorflow/tfjs-core";
import {
  alloc,
  type BackendWasm,
  callStock,
  heap,
  type HeapArray,
  reshapeInfo,
  stridesOf,
} from "./kernel_util.ts";

/**
 * Copies the strided window `src[begin + i*step]` (per axis, `size` elements, any step sign) into `dst`.
 * Trailing axes copied whole are merged so the innermost loop is one long contiguous copy.
 */
export function sliceArray(
  src: HeapArray,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  step: readonly number[],
  dst: HeapArray,
): void {
  if (size.some((d) => d === 0)) return;
  let sh = [...shape], b = [...begin], sz = [...size], st = [...step];
  while (sh.length > 1) {
    const r = sh.length - 1;
    const full = b[r] === 0 && sz[r] === sh[r] && st[r] === 1;
    if (!full || st[r - 1] !== 1) break;
    b = [...b.slice(0, r - 1), b[r - 1] * sh[r]];
    sz = [...sz.slice(0, r - 1), sz[r - 1] * sh[r]];
    st = st.slice(0, r);
    sh = [...sh.slice(0, r - 1), sh[r - 1] * sh[r]];
  }
  const rank = sh.length;
  const str = stridesOf(sh);
  const inner = rank - 1;
  const n = sz[inner], s = st[inner];
  let base = 0;
  for (let k = 0; k < rank; k++) base += b[k] * str[k];
  const idx = new Array<number>(rank).fill(0);
  const rows = sz.slice(0, inner).reduce((a, d) => a * d, 1);
  let o = 0;
  for (let row = 0; row < rows; row++) {
    if (s === 1 && n >= 64) dst.set(src.subarray(base, base + n) as never, o);
    else for (let i = 0; i < n; i++) dst[o + i] = src[base + i * s];
    o += n;
    for (let k = inner - 1; k >= 0; k--) {
      base += st[k] * str[k];
      if (++idx[k] < sz[k]) break;
      base -= st[k] * str[k] * sz[k];
      idx[k] = 0;
    }
  }
}

/** Strided window of a wasm tensor into a new one (caller disposes). */
export function sliceInfo(
  backend: BackendWasm,
  x: tf.TensorInfo,
  begin: readonly number[],
  size: readonly number[],
  step: readonly number[] = begin.map(() => 1),
): tf.TensorInfo {
  const out = alloc(backend, [...size], x.dtype);
  sliceArray(heap(backend, x), x.shape, begin, size, step, heap(backend, out));
  return out;
}

/** `Slice` for wasm. */
export const sliceConfig: tf.KernelConfig = {
  kernelName: tf.Slice,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { begin, size } = attrs as unknown as tf.SliceAttrs;
    const b = backend as BackendWasm;
    if (x.dtype === "string") return callStock(tf.Slice, b, { x }, { begin, size });
    const [begin_, size_] = tf.slice_util.parseSliceParams(x, begin, size);
    tf.slice_util.assertParamsValid(x, begin_, size_);
    return sliceInfo(b, x, begin_, size_);
  },
};

/** `StridedSlice` for wasm (masks resolved by tfjs' own sliceInfo, as in the stock kernel). */
export const stridedSliceConfig: tf.KernelConfig = {
  kernelName: tf.StridedSlice,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const a = attrs as unknown as tf.StridedSliceAttrs;
    const b = backend as BackendWasm;
    if (x.dtype === "string") return callStock(tf.StridedSlice, b, { x }, attrs);
    const info = tf.slice_util.sliceInfo(
      x.shape,
      a.begin,
      a.end,
      a.strides,
      a.beginMask,
      a.endMask,
      a.ellipsisMask,
      a.newAxisMask,
      a.shrinkAxisMask,
    );
    if (info.isIdentity) return reshapeInfo(b, x, info.finalShape);
    const size = tf.slice_util.computeOutShape(info.begin, info.end, info.strides);
    const out = sliceInfo(b, x, info.begin, size, info.strides);
    out.shape = info.finalShape;
    return out;
  },
};
