/**
 * The `onednn` tfjs backend: the cpu backend's storage and kernels (plain typed arrays), with the kernels
 * a training step spends its time in replaced by oneDNN primitives that run on every core.
 *
 * Any kernel not replaced is the cpu backend's own, registered again under this backend's name, so every
 * tfjs op works; a replaced kernel that meets a case it does not handle (another dtype, a broadcast) calls
 * the cpu kernel it replaced.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import type { Engine } from "./engine.ts";

/** The backend name tfjs knows it by. */
export const ONEDNN = "onednn";

/** A kernel's arguments as tfjs passes them, with this backend. */
export interface OnednnKernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: OnednnBackend;
  attrs?: tf.NamedAttrMap;
}

/** A kernel implementation on this backend. */
export type OnednnKernelFunc = (args: OnednnKernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/** The cpu backend with a oneDNN engine beside it. */
export class OnednnBackend extends MathBackendCPU {
  constructor(readonly engine: Engine) {
    super();
    // No "install tfjs-node" banner: this backend is the fast native path.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** The float32 values of a tensor: its storage itself where it is a Float32Array (never write into it). */
  f32(t: tf.TensorInfo): Float32Array {
    const values = this.data.get(t.dataId)!.values;
    if (values instanceof Float32Array) return values;
    if (t.dtype !== "float32") throw new Error(`onednn: expected float32 data, got ${t.dtype}`);
    // A few cpu kernels hand float32 results back as another array type (not written to here).
    return Float32Array.from(values as ArrayLike<number>);
  }

  /** A new float32 tensor holding `values` (ownership passes to the backend). */
  output(shape: number[], values: Float32Array): tf.TensorInfo {
    return this.makeTensorInfo(shape, "float32", values);
  }
}

/**
 * Below this many elements an element-wise op stays on the cpu kernel: a trip to oneDNN's threads costs
 * more than the arithmetic.
 */
export const MIN_PARALLEL_ELEMENTS = 16384;

/** A float32 array for a kernel's output; off the V8 heap whatever its size (oneDNN keeps its address). */
export function allocate(n: number): Float32Array {
  return new Float32Array(new ArrayBuffer(Math.max(4, n * 4)), 0, n);
}

/** The cpu kernel of `name`, called at backend level; what a replaced kernel falls back to. */
export function cpuKernel(name: string): OnednnKernelFunc {
  let func: OnednnKernelFunc | undefined;
  return (args) => {
    if (!func) {
      const cfg = tf.getKernel(name, "cpu");
      if (!cfg) throw new Error(`cpu kernel ${name} is not registered`);
      func = cfg.kernelFunc as unknown as OnednnKernelFunc;
    }
    return func(args);
  };
}

/** True when every input is float32. */
export function allFloat32(...infos: (tf.TensorInfo | undefined)[]): boolean {
  return infos.every((t) => t === undefined || t.dtype === "float32");
}
