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
import { BufferPool } from "./pool.ts";

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

/** Bytes the buffer pool may hold: half the system's memory where Deno may ask (`--allow-sys`), else 4 GiB. */
function poolCapacity(): number {
  try {
    return Deno.systemMemoryInfo().total / 2;
  } catch {
    return 4 * 2 ** 30;
  }
}

/** The cpu backend with a oneDNN engine beside it, and recycled output buffers (see pool.ts). */
export class OnednnBackend extends MathBackendCPU {
  readonly pool = new BufferPool(poolCapacity());

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

  /** A buffer for a kernel's output, recycled where possible: set `zero` unless every value is written. */
  alloc(n: number, zero = false): Float32Array {
    return this.pool.take(n, zero);
  }

  /** Gives back a scratch buffer from {@link alloc} that did not become a tensor. */
  recycle(values: Float32Array): void {
    this.pool.recycle(values);
  }

  /** A new float32 tensor holding `values` (ownership passes to the backend). */
  output(shape: number[], values: Float32Array): tf.TensorInfo {
    return this.makeTensorInfo(shape, "float32", values);
  }

  override write(values: tf.backend_util.BackendValues, shape: number[], dtype: tf.DataType): tf.DataId {
    this.pool.retain(values);
    return super.write(values, shape, dtype);
  }

  override move(
    dataId: tf.DataId,
    values: tf.backend_util.BackendValues,
    shape: number[],
    dtype: tf.DataType,
    refCount: number,
  ): void {
    const old = this.data.get(dataId)?.values;
    this.pool.retain(values);
    super.move(dataId, values, shape, dtype, refCount);
    this.pool.release(old);
  }

  override disposeData(dataId: tf.DataId, force = false): boolean {
    const values = this.data.get(dataId)?.values;
    const disposed = super.disposeData(dataId, force);
    if (values !== undefined && !this.data.has(dataId)) this.pool.release(values);
    return disposed;
  }

  // Reads from outside get copies of pooled buffers: the buffer is reused once the tensor is disposed.
  override readSync(dataId: tf.DataId): tf.backend_util.BackendValues {
    const values = super.readSync(dataId);
    return this.pool.isPooled(values) ? (values as Float32Array).slice() : values;
  }

  override read(dataId: tf.DataId): Promise<tf.backend_util.BackendValues> {
    return Promise.resolve(this.readSync(dataId));
  }
}

/**
 * Below this many elements an element-wise op stays on the cpu kernel: a trip to oneDNN's threads costs
 * more than the arithmetic.
 */
export const MIN_PARALLEL_ELEMENTS = 16384;

/** A float32 array for scratch data that is not a tensor's; off the V8 heap whatever its size. */
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
