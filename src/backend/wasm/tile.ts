/**
 * `Tile` for wasm by block copies. The stock kernel computes an index per element (~150 ns each
 * here), and tfjs' batch-norm gradient tiles a per-channel vector to the activation's full shape.
 */
import * as tf from "@tensorflow/tfjs-core";
import { alloc, type BackendWasm, callStock, heap, type HeapArray, stridesOf } from "./kernel_util.ts";

/** Writes `src` (shape `shape`) repeated `reps` times along each axis into `dst`. */
export function tileArray(
  src: HeapArray,
  shape: readonly number[],
  reps: readonly number[],
  dst: HeapArray,
): void {
  const rank = shape.length;
  if (rank === 0) {
    dst[0] = src[0];
    return;
  }
  const inStr = stridesOf(shape);
  const outStr = stridesOf(shape.map((d, i) => d * reps[i]));
  // Place one copy of the block for axis `ax` at `d`, then replicate it reps[ax] times by copyWithin.
  const fill = (ax: number, s: number, d: number): void => {
    const n = shape[ax];
    if (ax === rank - 1) {
      if (n >= 64) dst.set(src.subarray(s, s + n) as never, d);
      else for (let i = 0; i < n; i++) dst[d + i] = src[s + i];
    } else {
      for (let i = 0; i < n; i++) fill(ax + 1, s + i * inStr[ax], d + i * outStr[ax]);
    }
    const block = n * outStr[ax];
    for (let r = 1; r < reps[ax]; r++) dst.copyWithin(d + r * block, d, d + block);
  };
  fill(0, 0, 0);
}

/** Kernel registration entry replacing the stock wasm `Tile`. */
export const tileConfig: tf.KernelConfig = {
  kernelName: tf.Tile,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    const { reps } = attrs as unknown as tf.TileAttrs;
    const b = backend as BackendWasm;
    if (x.dtype === "string") return callStock(tf.Tile, b, { x }, { reps });
    const out = alloc(b, x.shape.map((d, i) => d * reps[i]), x.dtype);
    if (out.shape.every((d) => d > 0)) tileArray(heap(b, x), x.shape, reps, heap(b, out));
    return out;
  },
};
