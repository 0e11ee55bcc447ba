/**
 * Shared plumbing for the project's wasm kernels: the backend type, calls into the
 * stock wasm kernels captured before we override them, and disposal of intermediates.
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

export type { BackendWasm };
/** Float32 / int32 / bool views on the wasm heap. */
export type HeapArray = Float32Array | Int32Array | Uint8Array;
/** A kernel implementation with the signature tfjs passes to `kernelFunc`. */
export type WasmKernelFunc = (
  args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap },
) => tf.TensorInfo;

// Kept on globalThis so that a second copy of this module (another import path) still finds the
// stock kernels and does not capture one of our overrides as "stock" (that would recurse forever).
const STOCK_KEY = Symbol.for("facemtl.wasm.stockKernels");
type StockMap = Map<string, tf.KernelConfig>;
const g = globalThis as unknown as Record<symbol, StockMap | undefined>;
const stock: StockMap = g[STOCK_KEY] ??= new Map();

/** Remembers the stock wasm kernel config `name` (once), so overrides can still call it. */
export function captureStock(name: string): tf.KernelConfig | undefined {
  const known = stock.get(name);
  if (known) return known;
  const cfg = tf.getKernel(name, "wasm");
  if (cfg) stock.set(name, cfg);
  return cfg;
}

/** Calls the stock wasm kernel `name` at backend level (no tensors, no tape). */
export function callStock(
  name: string,
  backend: BackendWasm,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const cfg = captureStock(name);
  if (!cfg) throw new Error(`wasm kernel ${name} is not registered`);
  return (cfg.kernelFunc as unknown as WasmKernelFunc)({ inputs, backend, attrs });
}

/**
 * Collects intermediate TensorInfos so each is disposed exactly once, even when a kernel throws.
 * Reshapes made with {@link reshapeInfo} share a data id and add a reference, so they are tracked too.
 */
export class Temps {
  private readonly infos: tf.TensorInfo[] = [];
  constructor(private readonly backend: BackendWasm) {}
  /** Tracks `info` for disposal and returns it. */
  add<T extends tf.TensorInfo>(info: T): T {
    this.infos.push(info);
    return info;
  }
  /** Disposes every tracked info. */
  dispose(): void {
    for (const t of this.infos.splice(0)) this.backend.disposeData(t.dataId);
  }
}

/** Runs `body` with a fresh {@link Temps}; intermediates are freed whether or not it throws. */
export function withTemps<T>(backend: BackendWasm, body: (t: Temps) => T): T {
  const temps = new Temps(backend);
  try {
    return body(temps);
  } finally {
    temps.dispose();
  }
}

/** A new reference to the same data under another shape (must be disposed once, like any output). */
export function reshapeInfo(backend: BackendWasm, x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

/** A view of `info`'s data on the wasm heap; take it after the last allocation (growth detaches views). */
export function heap(backend: BackendWasm, info: tf.TensorInfo): HeapArray {
  return backend.typedArrayFromHeap(info) as HeapArray;
}

/** Allocates an output (uninitialised memory from malloc: callers must write every element). */
export function alloc(backend: BackendWasm, shape: number[], dtype: tf.DataType = "float32"): tf.TensorInfo {
  return backend.makeOutput(shape, dtype);
}

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Number of elements of `shape`. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Shapes, strides and padding of an NHWC, dilation-1 convolution (what both backprop kernels need),
 * from the input shape, the filter shape and the kernel's attributes.
 */
export function nhwcConvInfo(
  kernel: string,
  inputShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: Pick<tf.Conv2DBackpropFilterAttrs, "strides" | "pad" | "dataFormat" | "dimRoundingMode">,
): tf.backend_util.Conv2DInfo {
  const { strides, pad, dataFormat, dimRoundingMode } = attrs;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== "channelsLast") throw new Error(`wasm ${kernel} supports only dataFormat NHWC`);
  return info;
}
