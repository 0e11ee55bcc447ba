/**
 * Add, Sub, Multiply and RealDiv of float32 tensors on oneDNN's binary primitive, on every core: same
 * shapes (residual adds, gradient sums) and NumPy-style broadcasts where one operand has the output's
 * shape (tensor × scalar in Adam and the loss, per-channel scales, the mean's gradient). Other cases —
 * both operands broadcast, other dtypes, tiny tensors — go to the cpu kernels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { ALG, ARG, SIZE, TAG } from "../abi.ts";
import { allFloat32, cpuKernel, MIN_PARALLEL_ELEMENTS, type OnednnKernelArgs } from "../backend.ts";
import { check, type Engine, type Primitive } from "../engine.ts";
import { eltwiseForward } from "./elementwise.ts";

/** Plain row-major tags by rank. */
const PLAIN = [0, TAG.a, TAG.ab, TAG.abc, TAG.abcd, TAG.abcde];

function binary(engine: Engine, alg: number, full: number[], other: number[]): Primitive {
  return engine.cached(`binary:${alg}:${full}:${other}`, () => {
    const tag = PLAIN[full.length];
    const src0 = engine.md(full, tag), src1 = engine.md(other, tag);
    const desc = new Uint8Array(SIZE.anyDesc);
    check(engine.dnnl.dnnl_binary_desc_init(desc, alg, src0.bytes, src1.bytes, src0.bytes), "binary desc");
    return engine.primitive(desc).bind(ARG.src, src0).bind(ARG.src1, src1).bind(ARG.dst, src0);
  });
}

/** `shape` left-padded with 1s to `rank`. */
const padded = (shape: readonly number[], rank: number) => [...Array(rank - shape.length).fill(1), ...shape];

/**
 * `scalar ∘ tensor` for the non-commutative ops, as one eltwise: s − x = (−1)·x + s, s / x = s·x^(−1).
 * (The tanh gradient's 1 − y².)
 */
const SCALAR_FIRST: Record<string, (s: number) => [number, number, number]> = {
  [tf.Sub]: (s) => [ALG.eltwiseLinear, -1, s],
  [tf.RealDiv]: (s) => [ALG.eltwisePow, s, -1],
};

function binaryKernel(name: string, alg: number, commutative: boolean) {
  const fallback = cpuKernel(name);
  return ({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (!allFloat32(a, b)) return fallback({ inputs, backend, attrs }) as tf.TensorInfo;
    const out = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const n = tf.util.sizeFromShape(out);
    const rank = Math.max(out.length, 1);
    if (n < MIN_PARALLEL_ELEMENTS || rank >= PLAIN.length) {
      return fallback({ inputs, backend, attrs }) as tf.TensorInfo;
    }
    const full = padded(out, rank);
    const [pa, pb] = [padded(a.shape, rank), padded(b.shape, rank)];
    let first = a, second = b, secondShape = pb;
    if (!tf.util.arraysEqual(pa, full)) {
      if (!tf.util.arraysEqual(pb, full)) return fallback({ inputs, backend, attrs }) as tf.TensorInfo;
      if (!commutative) {
        if (tf.util.sizeFromShape(a.shape) !== 1) {
          return fallback({ inputs, backend, attrs }) as tf.TensorInfo;
        }
        const [eltAlg, alpha, beta] = SCALAR_FIRST[name](backend.f32(a)[0]);
        const y = backend.alloc(n);
        eltwiseForward(backend.engine, eltAlg, n, alpha, beta).run([[ARG.src, backend.f32(b)], [ARG.dst, y]]);
        return backend.output(out, y);
      }
      [first, second, secondShape] = [b, a, pa];
    }
    const y = backend.alloc(n);
    binary(backend.engine, alg, full, secondShape).run([
      [ARG.src, backend.f32(first)],
      [ARG.src1, backend.f32(second)],
      [ARG.dst, y],
    ]);
    return backend.output(out, y);
  };
}

/** Add. */
export const add = binaryKernel(tf.Add, ALG.binaryAdd, true);
/** Sub. */
export const sub = binaryKernel(tf.Sub, ALG.binarySub, false);
/** Multiply. */
export const multiply = binaryKernel(tf.Multiply, ALG.binaryMul, true);
/** RealDiv. */
export const realDiv = binaryKernel(tf.RealDiv, ALG.binaryDiv, false);
