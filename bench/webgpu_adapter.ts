/**
 * Prints the WebGPU adapter Deno finds, as one tab-separated line for scripts (bench/gpu_check.sh):
 * `hardware<TAB>NAME`, `software<TAB>NAME` (a CPU implementation such as Mesa's lavapipe) or
 * `none<TAB>REASON`.
 *
 * @module
 */
import { describeAdapter, isHardwareAdapter, probeAdapter } from "../src/backend/webgpu.ts";

/** The line for what {@link probeAdapter} found. */
export async function adapterLine(): Promise<string> {
  const { info, reason } = await probeAdapter();
  if (!info) return `none\t${reason}`;
  return `${isHardwareAdapter(info) ? "hardware" : "software"}\t${describeAdapter(info)}`;
}

if (import.meta.main) console.log(await adapterLine());
