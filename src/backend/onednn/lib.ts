/**
 * Opens oneDNN's C library (`libdnnl.so.2`, Debian/Ubuntu package `libdnnl2`) through Deno FFI and
 * checks its version. Nothing is compiled: every call goes straight to the C API with descriptors in
 * byte buffers.
 *
 * @module
 */
import { CPU_RUNTIME, MIN_MINOR, SUPPORTED_MAJOR } from "./abi.ts";

const P = "pointer" as const;
const B = "buffer" as const;
const I = "i32" as const;

/** The C functions used, with their FFI signatures. */
export const SYMBOLS = {
  dnnl_version: { parameters: [], result: P },
  dnnl_engine_create: { parameters: [B, I, "usize"], result: I },
  dnnl_stream_create: { parameters: [B, P, "u32"], result: I },
  dnnl_stream_wait: { parameters: [P], result: I },
  dnnl_set_primitive_cache_capacity: { parameters: [I], result: I },
  dnnl_memory_desc_init_by_tag: { parameters: [B, I, B, I, I], result: I },
  dnnl_memory_desc_get_size: { parameters: [B], result: "usize" },
  dnnl_memory_desc_equal: { parameters: [B, B], result: I },
  dnnl_memory_create: { parameters: [B, B, P, P], result: I },
  dnnl_memory_set_data_handle: { parameters: [P, P], result: I },
  dnnl_memory_destroy: { parameters: [P], result: I },
  dnnl_primitive_desc_create: { parameters: [B, B, P, P, P], result: I },
  dnnl_primitive_desc_query: { parameters: [P, I, I, B], result: I },
  dnnl_primitive_desc_query_md: { parameters: [P, I, I], result: P },
  dnnl_primitive_desc_destroy: { parameters: [P], result: I },
  dnnl_primitive_create: { parameters: [B, P], result: I },
  dnnl_primitive_execute: { parameters: [P, P, I, B], result: I },
  dnnl_primitive_destroy: { parameters: [P], result: I },
  dnnl_reorder_primitive_desc_create: { parameters: [B, B, P, B, P, P], result: I },
  dnnl_sum_primitive_desc_create: { parameters: [B, B, I, B, B, P, P], result: I },
  dnnl_dilated_convolution_forward_desc_init: {
    parameters: [B, I, I, B, B, B, B, B, B, B, B],
    result: I,
  },
  dnnl_dilated_convolution_backward_data_desc_init: { parameters: [B, I, B, B, B, B, B, B, B], result: I },
  dnnl_dilated_convolution_backward_weights_desc_init: {
    parameters: [B, I, B, B, B, B, B, B, B, B],
    result: I,
  },
  dnnl_batch_normalization_forward_desc_init: { parameters: [B, I, B, "f32", "u32"], result: I },
  dnnl_batch_normalization_backward_desc_init: { parameters: [B, I, B, B, "f32", "u32"], result: I },
  dnnl_eltwise_forward_desc_init: { parameters: [B, I, I, B, "f32", "f32"], result: I },
  dnnl_eltwise_backward_desc_init: { parameters: [B, I, B, B, "f32", "f32"], result: I },
  dnnl_binary_desc_init: { parameters: [B, I, B, B, B], result: I },
  dnnl_pooling_v2_forward_desc_init: { parameters: [B, I, I, B, B, B, B, B, B, B], result: I },
  dnnl_pooling_v2_backward_desc_init: { parameters: [B, I, B, B, B, B, B, B, B], result: I },
  dnnl_reduction_desc_init: { parameters: [B, I, B, B, "f32", "f32"], result: I },
  dnnl_matmul_desc_init: { parameters: [B, B, B, B, B], result: I },
} as const;

/** The opened library's functions. */
export type Dnnl = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** What {@link openOnednn} found. */
export interface OnednnLibrary {
  dnnl: Dnnl;
  /** e.g. "2.6.3". */
  version: string;
  /** CPU threading runtime: "OpenMP", "TBB", "sequential", "threadpool". */
  runtime: string;
  /** The file name that loaded. */
  path: string;
}

/** File names tried, in order: the versioned soname first (what `libdnnl2` installs). */
export const LIBRARY_NAMES = ["libdnnl.so.2", "libdnnl.so", "libdnnl.2.dylib", "dnnl.dll"] as const;

/** How to install oneDNN on this system, in one line. */
export function installHint(): string {
  if (Deno.build.os === "linux") {
    return "install oneDNN 2.x: `deno task setup-native` (Debian/Ubuntu: sudo apt-get install libdnnl2)";
  }
  if (Deno.build.os === "darwin") {
    return "install oneDNN 2.x (e.g. `brew install onednn@2`) or use --backend wasm";
  }
  return "install oneDNN 2.x (libdnnl) on the library path, or use --backend wasm";
}

let opened: OnednnLibrary | string | undefined;

/** glibc's `RTLD_NOW | RTLD_NODELETE`. */
const NOW_NODELETE = 0x2 | 0x1000;

/**
 * Keeps oneDNN (and the OpenMP runtime it loads) in the process for good. Deno closes a library when the
 * isolate that opened it ends (each `deno test` module, a Worker); unloading OpenMP under its parked
 * worker threads crashes the process. A `dlopen` with RTLD_NODELETE through libc pins it (Linux/glibc;
 * elsewhere nothing to do or no way to do it: skipped).
 */
function pinInProcess(path: string): void {
  if (Deno.build.os !== "linux") return;
  try {
    const libc = Deno.dlopen("libc.so.6", { dlopen: { parameters: ["buffer", "i32"], result: "pointer" } });
    libc.symbols.dlopen(new TextEncoder().encode(path + "\0"), NOW_NODELETE);
    libc.close();
  } catch {
    // musl or no libc.so.6: the library is still usable, only not pinned
  }
}

/** Reads `dnnl_version()`'s struct {int major, minor, patch; char* hash; unsigned cpu_runtime, gpu_runtime}. */
function readVersion(
  dnnl: Pick<Dnnl, "dnnl_version">,
): { major: number; minor: number; patch: number; runtime: string } {
  const ptr = dnnl.dnnl_version();
  if (!ptr) throw new Error("dnnl_version returned null");
  const view = new Deno.UnsafePointerView(ptr);
  const runtime = view.getUint32(24);
  return {
    major: view.getInt32(0),
    minor: view.getInt32(4),
    patch: view.getInt32(8),
    runtime: CPU_RUNTIME[runtime] ?? `runtime ${runtime}`,
  };
}

/**
 * Opens oneDNN once per process. Returns the library, or a one-line reason why it cannot be used
 * here (not installed, FFI not permitted, unsupported version). `retry` tries again after a failure
 * (e.g. once the library has been installed).
 */
export function openOnednn(opts: { retry?: boolean } = {}): OnednnLibrary | string {
  if (opened !== undefined && !(opts.retry && typeof opened === "string")) return opened;
  for (const path of LIBRARY_NAMES) {
    // The version first, with one symbol: a 3.x library lacks the 2.x functions bound below.
    let probe: Deno.DynamicLibrary<{ dnnl_version: typeof SYMBOLS.dnnl_version }>;
    try {
      probe = Deno.dlopen(path, { dnnl_version: SYMBOLS.dnnl_version });
    } catch (e) {
      if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
        return opened = `loading oneDNN needs --allow-ffi (${path})`;
      }
      continue;
    }
    const v = readVersion(probe.symbols);
    probe.close();
    const version = `${v.major}.${v.minor}.${v.patch}`;
    if (v.major !== SUPPORTED_MAJOR || v.minor < MIN_MINOR) {
      return opened = `oneDNN ${version} (${path}) is not supported: this backend speaks the ` +
        `${SUPPORTED_MAJOR}.x C API (${SUPPORTED_MAJOR}.${MIN_MINOR} or later; Debian 12 ships 2.6.3)`;
    }
    try {
      pinInProcess(path);
      const lib = Deno.dlopen(path, SYMBOLS);
      return opened = { dnnl: lib.symbols, version, runtime: v.runtime, path };
    } catch (e) {
      return opened = `oneDNN ${version} (${path}) lacks a function this backend needs: ${
        (e as Error).message.split("\n")[0]
      }`;
    }
  }
  return opened = `oneDNN is not installed (${LIBRARY_NAMES[0]} not found)`;
}
