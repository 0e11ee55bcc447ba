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
  const others = c.perm.filter((ax) => ax !== a && ax !== b);
  const na = c.shape[a], nb = c.shape[b], sb = inStr[b], da = outStrOfIn[a];
  const count = others.reduce((n, ax) => n * c.shape[ax], 1);
  const idx = new Array<number>(others.length).fill(0);
  let sBase = 0, dBase = 0;
  for (let it = 0; it < count; it++) {
    if (a === b) {
      if (na >= 64) dst.set(src.subarray(sBase, sBase + na) as never, dBase);
      else for (let i = 0; i < na; i++) dst[dBase + i] = src[sBase + i];
    } else {
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
    // Odometer over the remaining axes, innermost output axis first.
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
