/**
 * Reading tensor values back to JavaScript the way every backend supports: asynchronously. WebGPU under
 * Deno has no synchronous read (tfjs-backend-webgpu's `dataSync` draws through a 2D canvas, which Deno
 * lacks), so the runtime's training, evaluation, prediction and t-SNE never call `dataSync`/`arraySync`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/**
 * The values of `tensors` (all float32), each as its own Float32Array, fetched in one read: on a GPU a
 * read is a round trip, so many small tensors (per-pass losses, per-head sums) are joined first. The
 * values are exactly the tensors' own; the tensors are left to the caller.
 */
export async function readTensors(tensors: readonly tf.Tensor[]): Promise<Float32Array[]> {
  if (tensors.length === 0) return [];
  if (tensors.length === 1) return [Float32Array.from(await tensors[0].data() as Float32Array)];
  const joined = tf.tidy(() => tf.concat(tensors.map((t) => tf.reshape(t, [-1]))));
  let all: Float32Array;
  try {
    all = await joined.data() as Float32Array;
  } finally {
    joined.dispose();
  }
  const out: Float32Array[] = [];
  let at = 0;
  for (const t of tensors) {
    out.push(all.slice(at, at + t.size));
    at += t.size;
  }
  return out;
}
