/**
 * `BatchMatMul` for wasm. The stock kernel reaches XNNPACK speed (~10-20 GFLOP/s) only for one
 * matrix without transposes; with transposeA/B or a batch it runs a naive loop (~0.7 GFLOP/s), and
 * every dense-layer gradient uses a transpose. So: transpose in JS, fold a shared right operand
 * into one tall product, or split a true batch into single products, then call the fast path.
 */
import * as tf from "@tensorflow/tfjs-core";
import { alloc, type BackendWasm, callStock, heap, reshapeInfo, sizeOf, withTemps } from "./kernel_util.ts";
import { transposeArray } from "./transpose.ts";

// Below this many multiply-adds per matrix, per-batch calls cost more than the naive loop saves.
const MIN_SPLIT_MACS = 4096;

/** Copies matrix `i` (of `count`, broadcast if count is 1) of `x` into a fresh [1, rows, cols] tensor. */
function matrixOf(
  backend: BackendWasm,
  x: tf.TensorInfo,
  i: number,
  count: number,
  transpose: boolean,
): tf.TensorInfo {
  const r = x.shape.length;
  const [p, q] = [x.shape[r - 2], x.shape[r - 1]];
  const out = alloc(backend, transpose ? [1, q, p] : [1, p, q]);
  const off = (count === 1 ? 0 : i) * p * q;
  const src = heap(backend, x).subarray(off, off + p * q), dst = heap(backend, out);
  if (transpose) transposeArray(src, [p, q], [1, 0], dst);
  else dst.set(src as Float32Array);
  return out;
}

/** a·b (with optional transposes) for float32 wasm tensors; see the file comment for the strategy. */
export function batchMatMulWasm(
  backend: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo {
  const stock = () => callStock(tf.BatchMatMul, backend, { a, b }, { transposeA, transposeB });
  if (a.dtype !== "float32" || b.dtype !== "float32") return stock();
  const ra = a.shape.length, rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const outerA = a.shape.slice(0, -2), outerB = b.shape.slice(0, -2);
  const batchA = sizeOf(outerA), batchB = sizeOf(outerB);
  const outShape = [...tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB), m, n];
  if (sizeOf(outShape) === 0 || k === 0) return stock();

  if (batchA === 1 && batchB === 1 && !transposeA && !transposeB) return stock();
  return withTemps(backend, (t) => {
    const nn = (x: tf.TensorInfo, y: tf.TensorInfo) =>
      callStock(tf.BatchMatMul, backend, { a: x, b: y }, { transposeA: false, transposeB: false });
    if (batchB === 1 && (!transposeA || batchA === 1)) {
      // One tall product: all of a's matrices share b.
      const a2 = transposeA
        ? t.add(matrixOf(backend, a, 0, 1, true))
        : t.add(reshapeInfo(backend, a, [1, batchA * m, k]));
      const b2 = transposeB
        ? t.add(matrixOf(backend, b, 0, 1, true))
        : t.add(reshapeInfo(backend, b, [1, k, n]));
      const out = nn(a2, b2);
      out.shape = outShape;
      return out;
    }
    const sameOuter = outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i]);
    if (!(sameOuter || batchA === 1 || batchB === 1) || m * n * k < MIN_SPLIT_MACS) return stock();
    const batch = Math.max(batchA, batchB);
    const out = alloc(backend, outShape);
    try {
      for (let i = 0; i < batch; i++) {
        withTemps(backend, (ti) => {
          const ai = ti.add(matrixOf(backend, a, i, batchA, transposeA));
          const bi = ti.add(matrixOf(backend, b, i, batchB, transposeB));
          const r = ti.add(nn(ai, bi));
          heap(backend, out).set(heap(backend, r) as Float32Array, i * m * n);
        });
      }
    } catch (e) {
      backend.disposeData(out.dataId);
      throw e;
    }
    return out;
  });
}

/** Kernel registration entry replacing the stock wasm `BatchMatMul`. */
export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    return batchMatMulWasm(backend as BackendWasm, a, b, transposeA, transposeB);
  },
};
