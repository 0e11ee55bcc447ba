/**
 * AddN on WebGPU for any number of inputs. tfjs-backend-webgpu 4.22 binds every input of AddN as its own
 * storage buffer in one shader, and WebGPU allows `maxStorageBuffersPerShaderStage` (8 by default, the
 * output included) of them: with 8 or more inputs the shader is invalid, and the kernel silently returns
 * an old buffer's contents (measured here: `addN` of 8 scalars 1..8 gave 420). Its Concat splits its
 * inputs into groups for the same reason; this does the same for AddN: a left fold in groups, the
 * order in which AddN adds anyway.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

interface WebgpuBackendLike {
  device: { limits: { maxStorageBuffersPerShaderStage: number } };
  disposeData(dataId: object): boolean;
}

type AddNFunc = (
  args: { inputs: tf.TensorInfo[]; backend: unknown; attrs?: tf.NamedAttrMap },
) => tf.TensorInfo;

const MARK = Symbol.for("mtl-graph.webgpu.addN");

/**
 * Adds `inputs` with `addN`, which takes at most `limit` at once: the first `limit`, then the sum so far
 * with up to `limit − 1` more, and so on. Intermediate sums are handed to `dispose`.
 */
export function addInGroups<T>(
  inputs: readonly T[],
  limit: number,
  addN: (group: T[]) => T,
  dispose: (partial: T) => void,
): T {
  if (limit < 2) throw new Error(`addInGroups: a limit of ${limit} adds nothing`);
  if (inputs.length <= limit) return addN([...inputs]);
  let sum = addN(inputs.slice(0, limit));
  for (let i = limit; i < inputs.length; i += limit - 1) {
    const next = addN([sum, ...inputs.slice(i, i + limit - 1)]);
    dispose(sum);
    sum = next;
  }
  return sum;
}

/**
 * Replaces the webgpu backend's AddN with one that folds its inputs in groups the device can bind.
 * Idempotent; a no-op before tfjs-backend-webgpu is loaded.
 */
export function registerWebgpuAddN(): void {
  const stock = tf.getKernel(tf.AddN, "webgpu") as (tf.KernelConfig & { [MARK]?: true }) | undefined;
  if (!stock || stock[MARK]) return;
  const stockFunc = stock.kernelFunc as unknown as AddNFunc;
  const kernelFunc = (({ inputs, backend, attrs }: Parameters<AddNFunc>[0]) => {
    const gpu = backend as WebgpuBackendLike;
    const limit = Math.max(2, gpu.device.limits.maxStorageBuffersPerShaderStage - 1);
    return addInGroups(
      Array.from(inputs),
      limit,
      (group) => stockFunc({ inputs: group, backend, attrs }),
      (partial) => gpu.disposeData(partial.dataId),
    );
  }) as unknown as tf.KernelFunc;
  tf.unregisterKernel(tf.AddN, "webgpu");
  tf.registerKernel({ ...stock, kernelFunc, [MARK]: true } as tf.KernelConfig);
}
