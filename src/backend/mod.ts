/**
 * Chooses and prepares the tfjs backend: the one place commands go through.
 *
 * ```ts
 * const chosen = await useBackend(backendFromArgs(flags));
 * console.log(describeBackend(chosen)); // backend: wasm (project training kernels, XNNPACK SIMD, 1 thread)
 * ```
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { UserError } from "../util/errors.ts";
import type { BackendName } from "./names.ts";
import { missingCudaLibraries, nativeDevice } from "./cuda.ts";
import { loadNative, NATIVE_HINT, nativeDetail, type NativeKind } from "./native.ts";
import { releaseBackpropMemoryEarly } from "./backprop_memory.ts";
import { installHint, loadOnednn, onednnThreads } from "./onednn/mod.ts";
import { loadWasm } from "./wasm.ts";
import { describeAdapter, isHardwareAdapter, loadWebgpu, probeAdapter } from "./webgpu.ts";

export {
  BACKEND_FLAG_HELP,
  BACKEND_NAMES,
  BACKEND_OPTION,
  backendFromArgs,
  backendRequestFromArgs,
  parseBackendName,
} from "./names.ts";
export type { BackendName, BackendRequest } from "./names.ts";
export { registerWasmTrainingKernels } from "./wasm/register.ts";

/** What {@link useBackend} set up. */
export interface BackendChoice {
  /** The backend now current (never "auto"). */
  name: Exclude<BackendName, "auto">;
  /** Kernels and device, in a few words. */
  detail: string;
  /** For auto: the faster backends it passed over, each with the reason. */
  passedOver?: string[];
  /** CPU threads its kernels use, where it runs on the CPU. */
  threads?: number;
}

/** Options for {@link useBackend}. */
export interface UseBackendOptions {
  /** wasm only: register the project's training kernels (default true). */
  wasmKernels?: boolean;
  /** onednn only: CPU threads (default: all cores). */
  threads?: number;
}

/**
 * What a command prints: `backend: wasm (project training kernels, XNNPACK SIMD, 1 thread)`, plus for
 * auto an indented line per backend it passed over.
 */
export function describeBackend(choice: BackendChoice): string {
  const lines = [`backend: ${choice.name} (${choice.detail})`];
  for (const p of choice.passedOver ?? []) lines.push(`  passed over ${p}`);
  return lines.join("\n");
}

/** Stops tfjs-backend-cpu's first-write banner that tells Node users to install tfjs-node. */
function quietCpu(): void {
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
}

/**
 * Loads a native backend; tfjs-node-gpu is checked for a GPU device. For `auto` (`requireGpu`) it must
 * have one, and a failure to load carries the setup hint.
 */
async function tryNative(kind: NativeKind, requireGpu = false): Promise<BackendChoice | string> {
  const reason = await loadNative(kind);
  if (reason) {
    return requireGpu ? `${reason} (${NATIVE_HINT.replace(", or use --backend wasm", "")})` : reason;
  }
  const r = nativeDetail(kind, nativeDevice(tf.backend()), () => missingCudaLibraries(), requireGpu);
  return typeof r === "string" ? r : { name: kind, detail: r.detail };
}

async function tryWebgpu(requireHardware: boolean): Promise<BackendChoice | string> {
  const { info, reason } = await probeAdapter();
  if (!info) return reason!;
  const hardware = isHardwareAdapter(info);
  if (requireHardware && !hardware) return `WebGPU adapter is software (${describeAdapter(info)})`;
  const failed = await loadWebgpu();
  if (failed) return failed;
  const note = hardware ? "" : ", software adapter: expect ~20x slower than wasm";
  return { name: "webgpu", detail: `${describeAdapter(info)}${note}` };
}

async function tryOnednn(threads?: number): Promise<BackendChoice | string> {
  try {
    const detail = await loadOnednn({ threads });
    return { name: "onednn", detail, threads: onednnThreads() };
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Sets the tfjs backend `name` and returns what was chosen. An explicit backend that cannot load is a
 * UserError with one line saying why and how to fix it; `auto` tries tensorflow-gpu (where libtensorflow
 * finds a GPU device), webgpu on a hardware GPU, onednn, tensorflow, then wasm with the project's
 * kernels, and says what it passed over.
 */
export async function useBackend(name: BackendName, opts: UseBackendOptions = {}): Promise<BackendChoice> {
  releaseBackpropMemoryEarly();
  const fail = (why: string, hint: string) => new UserError("--backend " + name, `${why}; ${hint}`);
  switch (name) {
    case "tensorflow-gpu":
    case "tensorflow": {
      const r = await tryNative(name);
      if (typeof r === "string") throw fail(r, NATIVE_HINT);
      return r;
    }
    case "webgpu": {
      const r = await tryWebgpu(false);
      if (typeof r === "string") throw fail(r, "use --backend wasm");
      return r;
    }
    case "onednn": {
      const r = await tryOnednn(opts.threads);
      if (typeof r === "string") throw fail(r, installHint());
      return r;
    }
    case "wasm":
      try {
        return { name: "wasm", detail: await loadWasm({ kernels: opts.wasmKernels }), threads: 1 };
      } catch (e) {
        throw fail((e as Error).message, "use --backend cpu");
      }
    case "cpu":
      if (!(await tf.setBackend("cpu"))) throw fail("the tfjs cpu backend did not start", "this is a bug");
      quietCpu();
      return { name: "cpu", detail: "plain JavaScript kernels, slow for convnets" };
    case "auto": {
      const passed: string[] = [];
      const attempts: [string, () => Promise<BackendChoice | string>][] = [
        ["tensorflow-gpu", () => tryNative("tensorflow-gpu", true)],
        ["webgpu", () => tryWebgpu(true)],
        // oneDNN is the fastest CPU path: before libtensorflow's CPU build.
        ["onednn", () => tryOnednn(opts.threads)],
        ["tensorflow", () => tryNative("tensorflow")],
      ];
      for (const [label, attempt] of attempts) {
        const r = await attempt();
        if (typeof r !== "string") return r;
        passed.push(`${label}: ${r}` + (label === "onednn" ? ` (${installHint()})` : ""));
      }
      return { ...(await useBackend("wasm", opts)), passedOver: passed };
    }
  }
}
