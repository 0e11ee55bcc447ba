/**
 * The WebGPU backend (npm:@tensorflow/tfjs-backend-webgpu) on Deno's navigator.gpu. Deno here offers
 * a software adapter (llvmpipe), about 20x slower than wasm, so `auto` only takes a real GPU.
 */
import * as tf from "@tensorflow/tfjs-core";
import { registerWebgpuAddN } from "./webgpu_addn.ts";

/** What we read from a WebGPU adapter. */
export interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

const SOFTWARE = /llvmpipe|lavapipe|swiftshader|software|basic render|warp/i;

/** True when the adapter is a hardware GPU, not a CPU (fallback/software) implementation. */
export function isHardwareAdapter(info: AdapterInfo): boolean {
  if (info.isFallbackAdapter) return false;
  const text = [info.vendor, info.architecture, info.device, info.description].join(" ");
  return !SOFTWARE.test(text);
}

/** One line naming the adapter. */
export function describeAdapter(info: AdapterInfo): string {
  const name = info.description || [info.vendor, info.architecture, info.device].filter(Boolean).join(" ");
  return name || "unnamed adapter";
}

interface GpuLike {
  requestAdapter(): Promise<{ info?: AdapterInfo; isFallbackAdapter?: boolean } | null>;
}

/**
 * On Linux the Vulkan driver's window-system code prints "error: XDG_RUNTIME_DIR is invalid or not set
 * in the environment." to stderr when it looks for a display and the variable is missing (ssh, CI,
 * containers). Looking for a GPU needs no display: give the process a private runtime folder (0700,
 * removed at exit) so that nothing error-like is printed on a normal run. Where the command may not
 * write to the temp folder (the deno tasks), the variable names a private path that does not exist,
 * which the driver takes as "no display" just as quietly.
 */
function ensureRuntimeDir(): void {
  try {
    if (Deno.build.os !== "linux" || Deno.env.get("XDG_RUNTIME_DIR")) return;
  } catch {
    return; // no permission to read the variable: leave it alone
  }
  let dir: string;
  try {
    dir = Deno.makeTempDirSync({ prefix: "mtl-graph-runtime-" });
    globalThis.addEventListener("unload", () => {
      try {
        Deno.removeSync(dir, { recursive: true });
      } catch {
        // already gone
      }
    });
  } catch {
    dir = `/tmp/mtl-graph-runtime-${crypto.randomUUID()}`;
  }
  try {
    Deno.env.set("XDG_RUNTIME_DIR", dir);
  } catch {
    // no permission to set it: the probe still works, with the driver's line
  }
}

/** Asks Deno for a WebGPU adapter; undefined with a reason when there is none. */
export async function probeAdapter(): Promise<{ info?: AdapterInfo; reason?: string }> {
  const gpu = (globalThis.navigator as unknown as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) return { reason: "navigator.gpu is not available in this Deno" };
  ensureRuntimeDir();
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { reason: "no WebGPU adapter found" };
    // GPUAdapterInfo fields are prototype getters: copy them one by one.
    const a = adapter.info ?? {};
    const info: AdapterInfo = {
      vendor: a.vendor,
      architecture: a.architecture,
      device: a.device,
      description: a.description,
      isFallbackAdapter: a.isFallbackAdapter ?? adapter.isFallbackAdapter,
    };
    return { info };
  } catch (e) {
    return { reason: `requesting a WebGPU adapter failed: ${(e as Error).message}` };
  }
}

/**
 * Loads the webgpu backend, with AddN fixed for many inputs (webgpu_addn.ts), and makes it current;
 * returns the reason on failure.
 */
export async function loadWebgpu(): Promise<string | undefined> {
  try {
    await import("@tensorflow/tfjs-backend-webgpu");
    registerWebgpuAddN();
    if (!(await tf.setBackend("webgpu"))) return "the tfjs webgpu backend did not start";
  } catch (e) {
    return `the tfjs webgpu backend failed: ${String((e as Error).message).split("\n")[0]}`;
  }
  return undefined;
}
