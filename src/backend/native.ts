/**
 * The native TensorFlow backends: `tensorflow-gpu` (npm:@tensorflow/tfjs-node-gpu, CUDA) and
 * `tensorflow` (npm:@tensorflow/tfjs-node, libtensorflow on the CPU). Their install scripts download
 * libtensorflow, so without internet they are simply absent. We look for the package and its binding
 * on disk before importing: importing a missing npm package would make Deno try to fetch it.
 */
import * as tf from "@tensorflow/tfjs-core";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CUDA_PIN, type NativeDevice, notOnGpu } from "./cuda.ts";

/** The native backends. */
export type NativeKind = "tensorflow-gpu" | "tensorflow";

/** npm package of each native backend (same version as the rest of tfjs). */
export const NATIVE_PACKAGE: Record<NativeKind, string> = {
  "tensorflow-gpu": "@tensorflow/tfjs-node-gpu",
  "tensorflow": "@tensorflow/tfjs-node",
};
/** The tfjs version the project pins. */
export const TFJS_VERSION = CUDA_PIN.tfjs;

/** Where Deno's node_modules folder of this checkout is. */
export function nodeModulesDir(): string {
  return fileURLToPath(new URL("../../node_modules", import.meta.url));
}

/** The installed package folder of a native backend, if any. */
export function nativePackageDir(kind: NativeKind, modules = nodeModulesDir()): string | undefined {
  const pkg = NATIVE_PACKAGE[kind];
  const dir = join(modules, ".deno", `${pkg.replace("/", "+")}@${TFJS_VERSION}`, "node_modules", pkg);
  try {
    return Deno.statSync(join(dir, "package.json")).isFile ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Deno loads the binding from lib/napi-v8 whatever napi version the install built (tfjs #8579, #8581). */
export const DENO_BINDING_DIR = join("lib", "napi-v8");

/** Why a native backend cannot load here, or undefined when its files are in place. */
export function nativeMissing(kind: NativeKind, modules = nodeModulesDir()): string | undefined {
  const pkg = NATIVE_PACKAGE[kind];
  const dir = nativePackageDir(kind, modules);
  if (!dir) return `${pkg} is not installed (its install script downloads libtensorflow)`;
  try {
    Deno.statSync(join(dir, DENO_BINDING_DIR, "tfjs_binding.node"));
  } catch {
    return `${pkg} is installed but its native binding is missing from ${DENO_BINDING_DIR}/`;
  }
  return undefined;
}

/** The one-line hint that follows a native backend's failure. */
export const NATIVE_HINT =
  "run `deno task setup-gpu` on a machine with internet access, or use --backend wasm";

/**
 * Loads a native backend and makes it current. Returns undefined on success, else the reason it
 * failed (one line). Never throws and never fetches: a missing package fails before the import.
 */
export async function loadNative(kind: NativeKind): Promise<string | undefined> {
  const missing = nativeMissing(kind);
  if (missing) return missing;
  const spec = `npm:${NATIVE_PACKAGE[kind]}@${TFJS_VERSION}`;
  try {
    await import(spec); // not a literal: only resolved when the files are known to be there
  } catch (e) {
    return `${NATIVE_PACKAGE[kind]} failed to load: ${String((e as Error).message ?? e).split("\n")[0]}`;
  }
  try {
    if (!(await tf.setBackend("tensorflow"))) {
      return `${NATIVE_PACKAGE[kind]} loaded but the backend did not start`;
    }
  } catch (e) {
    return `${NATIVE_PACKAGE[kind]} backend failed to start: ${String((e as Error).message).split("\n")[0]}`;
  }
  return undefined;
}

/**
 * The backend line's detail for a loaded native backend on `device` (see cuda.ts), or — with
 * `requireGpu`, as `auto` asks — why tfjs-node-gpu is passed over: it would run on the CPU. An
 * explicit `--backend tensorflow-gpu` on the CPU runs, and its line says so plainly.
 */
export function nativeDetail(
  kind: NativeKind,
  device: NativeDevice,
  missingLibraries: () => string[],
  requireGpu = false,
): { detail: string } | string {
  const pkg = NATIVE_PACKAGE[kind];
  if (kind === "tensorflow") return { detail: `${pkg}, libtensorflow ${CUDA_PIN.libtensorflow} on the CPU` };
  const problem = notOnGpu(device, missingLibraries);
  if (!problem) return { detail: `${pkg}, libtensorflow ${CUDA_PIN.libtensorflow} with CUDA on the GPU` };
  if (requireGpu) return `${pkg} loads, but ${problem} (--backend tensorflow-gpu runs it anyway)`;
  return { detail: `${pkg} NOT on the GPU: ${problem}` };
}
