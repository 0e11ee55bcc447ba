/**
 * The `onednn` backend: tfjs kernels on oneDNN (the library PyTorch uses on CPUs), through Deno FFI.
 *
 * ```ts
 * const detail = await loadOnednn({ threads: 2 }); // "oneDNN 2.6.3 (OpenMP), 2 threads"
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { ONEDNN, OnednnBackend } from "./backend.ts";
import { Engine } from "./engine.ts";
import { openOnednn } from "./lib.ts";
import { registerOnednnKernels } from "./register.ts";
import { setThreads } from "./threads.ts";

export { installHint, openOnednn } from "./lib.ts";
export { ONEDNN, OnednnBackend } from "./backend.ts";

/** Options for {@link loadOnednn}. */
export interface OnednnOptions {
  /** CPU threads (default: all cores). */
  threads?: number;
}

let engine: Engine | undefined;
let threadsInUse = 0;

/** Threads oneDNN's kernels use (0 before the backend has loaded). */
export function onednnThreads(): number {
  return threadsInUse;
}

/** The process's oneDNN engine, once the backend has loaded. */
export function onednnEngine(): Engine | undefined {
  return engine;
}

/**
 * Makes `onednn` the current tfjs backend. Returns a detail line for the backend banner, or throws
 * Error with a one-line reason (library missing, unsupported version, no FFI permission).
 */
export async function loadOnednn(opts: OnednnOptions = {}): Promise<string> {
  const lib = openOnednn();
  if (typeof lib === "string") throw new Error(lib);
  const threads = threadsInUse = setThreads(lib.runtime, opts.threads);
  if (!engine) {
    engine = new Engine(lib.dnnl);
    const made = engine;
    tf.registerBackend(ONEDNN, () => new OnednnBackend(made), 0);
    registerOnednnKernels();
  }
  if (!(await tf.setBackend(ONEDNN))) throw new Error("the onednn backend did not start");
  return `oneDNN ${lib.version} (${lib.path}, ${lib.runtime}), ${threads} thread${threads === 1 ? "" : "s"}`;
}
