/**
 * Whether tfjs-node-gpu really runs on the GPU. Its libtensorflow is built for one CUDA and cuDNN
 * release; where those libraries are missing or another version, libtensorflow quietly registers no
 * GPU device and runs every op on the CPU. tfjs-node's backend reports what libtensorflow found
 * (`isUsingGpuDevice`), so the backend line can say so instead of claiming CUDA.
 *
 * @module
 */

/** The pin: @tensorflow/tfjs-node(-gpu) 4.22 downloads libtensorflow 2.9.1, built for CUDA 11.2, cuDNN 8.1. */
export const CUDA_PIN = { tfjs: "4.22.0", libtensorflow: "2.9.1", cuda: "11.2", cudnn: "8.1" } as const;

/**
 * Shared libraries libtensorflow 2.9.1's GPU build opens (by soname, through the dynamic loader): CUDA
 * 11.x runtime and math libraries, and cuDNN 8.
 */
export const CUDA_LIBRARIES = [
  "libcudart.so.11.0",
  "libcublas.so.11",
  "libcublasLt.so.11",
  "libcufft.so.10",
  "libcurand.so.10",
  "libcusolver.so.11",
  "libcusparse.so.11",
  "libcudnn.so.8",
] as const;

/** Where a loaded native backend runs its ops, as it reports it. */
export type NativeDevice = "gpu" | "cpu" | "unknown";

/**
 * Reads tfjs-node's `isUsingGpuDevice` (set from libtensorflow's device list when the backend starts)
 * from a backend object; `unknown` when the field is absent (another tfjs-node version).
 */
export function nativeDevice(backend: unknown): NativeDevice {
  const flag = (backend as { isUsingGpuDevice?: unknown } | null)?.isUsingGpuDevice;
  return flag === true ? "gpu" : flag === false ? "cpu" : "unknown";
}

/** True when the dynamic loader finds `soname` (LD_LIBRARY_PATH, ld.so.cache): a CUDA library present. */
export function canLoadLibrary(soname: string): boolean {
  try {
    Deno.dlopen(soname, {}).close();
    return true;
  } catch {
    return false;
  }
}

/** The {@link CUDA_LIBRARIES} the dynamic loader cannot find (`canLoad` is injectable for tests). */
export function missingCudaLibraries(canLoad: (soname: string) => boolean = canLoadLibrary): string[] {
  return CUDA_LIBRARIES.filter((lib) => !canLoad(lib));
}

/** The pin in words, for hints: `libtensorflow 2.9.1 (tfjs-node-gpu 4.22) needs CUDA 11.2 and cuDNN 8.1`. */
export const CUDA_REQUIREMENT =
  `libtensorflow ${CUDA_PIN.libtensorflow} (tfjs-node-gpu ${CUDA_PIN.tfjs}) needs CUDA ${CUDA_PIN.cuda} ` +
  `and cuDNN ${CUDA_PIN.cudnn}`;

/**
 * Why tfjs-node-gpu is not on the GPU, in one line, or undefined when it is: libtensorflow found no
 * GPU device (naming the CUDA/cuDNN libraries the loader cannot find, where that is why), or the backend
 * did not say.
 */
export function notOnGpu(device: NativeDevice, missing: () => string[]): string | undefined {
  if (device === "gpu") return undefined;
  if (device === "unknown") return "tfjs-node-gpu did not report whether libtensorflow uses a GPU device";
  const libs = missing();
  const cause = libs.length
    ? `the dynamic loader cannot find ${libs.join(", ")}`
    : "the CUDA and cuDNN libraries load, so check the driver (nvidia-smi) and CUDA_VISIBLE_DEVICES";
  return `libtensorflow found no GPU device and runs on the CPU: ${CUDA_REQUIREMENT}; ${cause}`;
}
