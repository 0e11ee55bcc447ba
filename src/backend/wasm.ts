/**
 * The wasm backend with the project's training kernels. tfjs-backend-wasm finds its .wasm files next
 * to its own bundle in node_modules (the Node build reads them with fs), which works under Deno;
 * TFJS_WASM_DIR overrides the folder (e.g. for a `deno compile`d binary).
 */
import * as tf from "@tensorflow/tfjs-core";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { registerWasmTrainingKernels } from "./wasm/register.ts";

/** Options for {@link loadWasm}. */
export interface WasmOptions {
  /** Register the project's training kernels (default true; false gives stock tfjs wasm). */
  kernels?: boolean;
}

/** Starts the wasm backend; returns a detail line, or throws Error with the reason. */
export async function loadWasm(opts: WasmOptions = {}): Promise<string> {
  const dir = Deno.env.get("TFJS_WASM_DIR");
  if (dir && tf.findBackend("wasm") === null) setWasmPaths(dir.endsWith("/") ? dir : dir + "/");
  if (opts.kernels !== false) registerWasmTrainingKernels();
  if (!(await tf.setBackend("wasm"))) throw new Error("the tfjs wasm backend did not start");
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const kernels = opts.kernels === false ? "stock kernels" : "project training kernels";
  return `${kernels}, XNNPACK ${simd ? "SIMD" : "without SIMD"}, 1 thread`;
}
