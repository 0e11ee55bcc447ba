/**
 * Adam's update of one variable in one pass over its value, gradient and moments (tfjs composes it
 * from 13 element-wise ops, each a full pass and a new tensor). Every intermediate is rounded to
 * float32 as those ops round their outputs, so both give the same bits.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { AdamUpdateAttrs } from "../../../layers/fused_kernels.ts";
import { type OnednnKernelArgs } from "../backend.ts";

const f = Math.fround;

/**
 * ProjectAdamUpdate: `{value, gradient, m, v, accBeta1, accBeta2}` → `[value', m', v']`. The β powers
 * arrive as scalar tensors, read here from this backend's own memory (no read in the optimizer).
 */
export function adamUpdate({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo[] {
  const { value, gradient, m, v, accBeta1, accBeta2 } = inputs as Record<string, tf.TensorInfo>;
  const a = attrs as unknown as AdamUpdateAttrs;
  const [w0, g0, m0, v0] = [value, gradient, m, v].map((t) => backend.f32(t));
  const n = w0.length;
  const w1 = backend.alloc(n), m1 = backend.alloc(n), v1 = backend.alloc(n);
  // The scalars as tfjs makes them: float32 tensors of the JavaScript numbers.
  const b1 = f(a.beta1), c1 = f(1 - a.beta1), b2 = f(a.beta2), c2 = f(1 - a.beta2);
  // 1 − βᵗ as tfjs computes it: float32 tensors, so a float32 subtraction.
  const d1 = f(1 - backend.f32(accBeta1)[0]), d2 = f(1 - backend.f32(accBeta2)[0]);
  const eps = f(a.epsilon), step = f(-a.learningRate);
  for (let i = 0; i < n; i++) {
    const g = g0[i];
    const mi = f(f(m0[i] * b1) + f(g * c1));
    const vi = f(f(v0[i] * b2) + f(f(g * g) * c2));
    m1[i] = mi;
    v1[i] = vi;
    const mHat = f(mi / d1), vHat = f(vi / d2);
    w1[i] = f(f(f(mHat / f(f(Math.sqrt(vHat)) + eps)) * step) + w0[i]);
  }
  return [backend.output(value.shape, w1), backend.output(m.shape, m1), backend.output(v.shape, v1)];
}
