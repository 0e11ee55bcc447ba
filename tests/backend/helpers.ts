/**
 * Test helpers: seeded data, a relative-error measure, and running the same computation on the
 * wasm backend (with the project's kernels) and on the cpu reference.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs"; // registers gradients (and the cpu backend)
import "@tensorflow/tfjs-backend-wasm";
import { registerWasmTrainingKernels } from "../../src/backend/wasm/register.ts";
import type { BackendWasm } from "../../src/backend/wasm/kernel_util.ts";
import { Rng } from "../../src/util/rng.ts";

/** Agreement required between wasm and cpu. */
export const TOLERANCE = 1e-5;

/** Seeded uniform values in [-1, 1). */
export function randArray(n: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.range(-1, 1));
}

/** A seeded tensor on the current backend. */
export function rand(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(randArray(shape.reduce((a, b) => a * b, 1), seed), shape);
}

/** Relative error: max|a − b| / max(1, max|b|), with b the reference. Infinity on length mismatch. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0, scale = 1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= diff)) diff = Number.isNaN(d) ? Infinity : d;
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

let ready = false;

/** Switches to wasm with the project's kernels. */
export async function useWasm(): Promise<BackendWasm> {
  if (!ready) registerWasmTrainingKernels();
  ready = true;
  await tf.setBackend("wasm");
  return tf.backend() as unknown as BackendWasm;
}

/** A computation's outputs as plain arrays (and shapes), tensors disposed. */
export interface Result {
  values: Float32Array[];
  shapes: number[][];
}

/** Runs `fn` on `backend` inside tidy; checks on wasm that it leaves no tensors or data ids behind. */
export async function runOn(backend: "wasm" | "cpu", fn: () => tf.Tensor | tf.Tensor[]): Promise<Result> {
  if (backend === "wasm") await useWasm();
  else {
    await tf.setBackend("cpu");
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false; // no "install tfjs-node" banner
  }
  const tensorsBefore = tf.memory().numTensors;
  const idsBefore = tf.backend().numDataIds();
  const outs = tf.tidy(fn);
  const list = Array.isArray(outs) ? outs : [outs];
  const values = list.map((t) => Float32Array.from(t.dataSync()));
  const shapes = list.map((t) => t.shape);
  tf.dispose(list);
  const leakedTensors = tf.memory().numTensors - tensorsBefore;
  const leakedIds = tf.backend().numDataIds() - idsBefore;
  if (leakedTensors !== 0 || leakedIds !== 0) {
    throw new Error(`${backend}: leaked ${leakedTensors} tensors and ${leakedIds} data ids`);
  }
  return { values, shapes };
}

/** Runs `fn` on wasm and cpu; returns the worst relative error over its outputs (shapes must match). */
export async function compareWithCpu(fn: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  const w = await runOn("wasm", fn);
  const c = await runOn("cpu", fn);
  let worst = 0;
  w.values.forEach((v, i) => {
    if (w.shapes[i].join() !== c.shapes[i].join()) {
      throw new Error(`shape ${w.shapes[i]} on wasm vs ${c.shapes[i]} on cpu`);
    }
    worst = Math.max(worst, relErr(v, c.values[i]));
  });
  return worst;
}
