/**
 * Unpack (tf.unstack, and the gradient of tf.stack) as strided copies: tfjs' cpu kernel slices each
 * output through the generic Slice kernel, milliseconds for a few thousand floats.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { cpuKernel, type OnednnKernelArgs } from "../backend.ts";

const cpuUnpack = cpuKernel(tf.Unpack);

/** Unpack: `{value}`, attr `axis` → one tensor per index along the axis. */
export function unpack({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo[] {
  const { value } = inputs as { value: tf.TensorInfo };
  if (value.dtype !== "float32") return cpuUnpack({ inputs, backend, attrs }) as tf.TensorInfo[];
  const rank = value.shape.length;
  const axis = ((attrs as { axis: number }).axis + rank) % rank;
  const outer = tf.util.sizeFromShape(value.shape.slice(0, axis));
  const count = value.shape[axis];
  const inner = tf.util.sizeFromShape(value.shape.slice(axis + 1));
  const shape = value.shape.filter((_, i) => i !== axis);
  const x = backend.f32(value);
  return Array.from({ length: count }, (_, k) => {
    const y = backend.alloc(outer * inner);
    for (let o = 0; o < outer; o++) {
      const from = (o * count + k) * inner;
      y.set(x.subarray(from, from + inner), o * inner);
    }
    return backend.output(shape, y);
  });
}
