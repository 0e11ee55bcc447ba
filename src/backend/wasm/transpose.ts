/**
 * Transpose in JavaScript on the wasm heap: cache-blocked over the input's and the output's innermost
 * axes. About 4x faster than stock wasm Transpose (2-4 vs 16-18 ns per element here), and the
 * backward kernels transpose whole activations.
 */
import * as tf from "@tensorflow/tfjs-core";
import { alloc, type BackendWasm, callStock, heap, type HeapArray, stridesOf } from "./kernel_util.ts";

const BLOCK = 32;

/** Drops size-1 axes and merges axes that stay adjacent under `perm`; same result, fewer loops. */
export function collapsePerm(
  shape: readonly number[],
  perm: readonly number[],
): { shape: number[]; perm: number[] } {
  const keep = shape.map((d, i) => d !== 1 ? i : -1).filter((i) => i >= 0);
  const rank = new Map(keep.map((ax, i) => [ax, i]));
  let s = keep.map((ax) => shape[ax]);
  let p = perm.filter((ax) => shape[ax] !== 1).map((ax) => rank.get(ax)!);
  // Merge output-adjacent axes p[k], p[k+1] when they are also input-adjacent (p[k+1] = p[k] + 1).
  let merged = true;
  while (merged && p.length > 1) {
    merged = false;
    for (let k = 0; k + 1 < p.length; k++) {
      if (p[k + 1] !== p[k] + 1) continue;
      const a = p[k];
      s = [...s.slice(0, a), s[a] * s[a + 1], ...s.slice(a + 2)];
      p = [...p.slice(0, k + 1), ...p.slice(k + 2)].map((ax) => ax > a ? ax - 1 : ax);
      merged = true;
      break;
    }
  }
  return { shape: s, perm: p };
}

/** dst[dBase + j + i·da] = src[sBase + i + j·sb] for i < na, j < nb, in cache-sized blocks. */
export function block2d(
  src: HeapArray,
  dst: HeapArray,
  sBase: number,
  dBase: number,
  na: number,
  nb: number,
  sb: number,
  da: number,
): void {
  for (let i0 = 0; i0 < na; i0 += BLOCK) {
    const i1 = Math.min(na, i0 + BLOCK);
    for (let j0 = 0; j0 < nb; j0 += BLOCK) {
      const j1 = Math.min(nb, j0 + BLOCK);
      for (let j = j0; j < j1; j++) {
        const s = sBase + j * sb, d = dBase + j;
        for (let i = i0; i < i1; i++) dst[d + i * da] = src[s + i];
      }
    }
  }
}

/** Writes `src` (row-major, shape `shape`) transposed by `perm` into `dst`. */
export function transposeArray(
  src: HeapArray,
  shape: readonly number[],
  perm: readonly number[],
  dst: HeapArray,
): void {
  const c = collapsePerm(shape, perm);
  const r = c.shape.length;
  if (r <= 1 || c.perm.every((ax, i) => ax === i)) {
    dst.set(src.subarray(0, dst.length) as never);
    return;
  }
  const inStr = stridesOf(c.shape);
  const outShape = c.perm.map((ax) => c.shape[ax]);
  const outStr = stridesOf(outShape);
  const outStrOfIn = new Array<number>(r);
  c.perm.forEach((ax, k) => outStrOfIn[ax] = outStr[k]);
  const a = r - 1; // innermost input axis (contiguous reads)
  const b = c.perm[r - 1]; // innermost output axis (contiguous writes); may equal a
  const others = c.perm.filter((ax) => ax !== a && ax !== b); // walked in output order
  const na = c.shape[a], nb = c.shape[b], sb = inStr[b], da = outStrOfIn[a];
  // The innermost remaining axis is a plain loop; the odometer only steps the rest.
  const last = others.pop();
  const nLast = last === undefined ? 1 : c.shape[last];
  const sLast = last === undefined ? 0 : inStr[last], dLast = last === undefined ? 0 : outStrOfIn[last];
  const count = others.reduce((n, ax) => n * c.shape[ax], 1);
  const idx = new Array<number>(others.length).fill(0);
  let sBase = 0, dBase = 0;
  for (let it = 0; it < count; it++) {
    if (a === b) rowCopies(src, dst, sBase, dBase, na, nLast, sLast, dLast);
    else {
      for (let t = 0; t < nLast; t++) block2d(src, dst, sBase + t * sLast, dBase + t * dLast, na, nb, sb, da);
    }
    for (let k = others.length - 1; k >= 0; k--) {
      const ax = others[k];
      sBase += inStr[ax];
      dBase += outStrOfIn[ax];
      if (++idx[k] < c.shape[ax]) break;
      sBase -= inStr[ax] * c.shape[ax];
      dBase -= outStrOfIn[ax] * c.shape[ax];
      idx[k] = 0;
    }
  }
}

/** `rows` contiguous copies of `n` elements, source and destination advancing by their strides. */
function rowCopies(
  src: HeapArray,
  dst: HeapArray,
  s: number,
  d: number,
  n: number,
  rows: number,
  sStride: number,
  dStride: number,
): void {
  for (let t = 0; t < rows; t++, s += sStride, d += dStride) {
    if (n >= 1024) dst.set(src.subarray(s, s + n) as never, d); // subarray costs ~0.1 µs: only for long rows
    else for (let i = 0; i < n; i++) dst[d + i] = src[s + i];
  }
}

/** Transposes a wasm tensor into a new one (caller disposes). */
export function transposeInfo(
  backend: BackendWasm,
  x: tf.TensorInfo,
  perm: readonly number[],
): tf.TensorInfo {
  const out = alloc(backend, perm.map((ax) => x.shape[ax]), x.dtype);
  transposeArray(heap(backend, x), x.shape, perm, heap(backend, out));
  return out;
}

/** `Transpose` for wasm; strings go to the stock kernel. */
export const transposeConfig: tf.KernelConfig = {
  kernelName: tf.Transpose,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x } = inputs as tf.TransposeInputs as { x: tf.TensorInfo };
    const { perm } = attrs as unknown as tf.TransposeAttrs;
    const b = backend as BackendWasm;
    if (x.dtype === "string") return callStock(tf.Transpose, b, { x }, { perm });
    return transposeInfo(b, x, perm);
  },
};
