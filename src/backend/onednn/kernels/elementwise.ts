/**
 * Unary element-wise kernels on oneDNN's eltwise primitive, over the flat data on every core: ReLU and
 * its gradient, and the functions the attention layer and Adam use (tanh, exp, sqrt, square, …).
 * Small tensors and other dtypes go to the cpu kernels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { ALG, ARG, PROP, SIZE, TAG } from "../abi.ts";
import {
  cpuKernel,
  MIN_PARALLEL_ELEMENTS,
  type OnednnKernelArgs,
  type OnednnKernelFunc,
} from "../backend.ts";
import { check, type Engine, type Primitive } from "../engine.ts";

/** The eltwise primitive `alg` (with its α, β) over `n` contiguous floats. */
export function eltwiseForward(engine: Engine, alg: number, n: number, alpha = 0, beta = 0): Primitive {
  return engine.cached(`eltwise.fwd:${alg}:${n}:${alpha}:${beta}`, () => {
    const md = engine.md([n], TAG.a);
    const desc = new Uint8Array(SIZE.anyDesc);
    check(
      engine.dnnl.dnnl_eltwise_forward_desc_init(desc, PROP.forwardTraining, alg, md.bytes, alpha, beta),
      "eltwise desc",
    );
    return engine.primitive(desc).bind(ARG.src, md).bind(ARG.dst, md);
  });
}

function reluBackward(engine: Engine, n: number): Primitive {
  return engine.cached(`relu.bwd:${n}`, () => {
    const md = engine.md([n], TAG.a);
    const desc = new Uint8Array(SIZE.anyDesc);
    check(
      engine.dnnl.dnnl_eltwise_backward_desc_init(desc, ALG.eltwiseRelu, md.bytes, md.bytes, 0, 0),
      "relu bwd desc",
    );
    return engine.primitive(desc, eltwiseForward(engine, ALG.eltwiseRelu, n))
      .bind(ARG.src, md).bind(ARG.diffDst, md).bind(ARG.diffSrc, md);
  });
}

/** A tfjs unary kernel (input `x`) computed by eltwise algorithm `alg`. */
function unary(name: string, alg: number): OnednnKernelFunc {
  const fallback = cpuKernel(name);
  return ({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo => {
    const { x } = inputs as { x: tf.TensorInfo };
    const n = tf.util.sizeFromShape(x.shape);
    if (x.dtype !== "float32" || n < MIN_PARALLEL_ELEMENTS) {
      return fallback({ inputs, backend, attrs }) as tf.TensorInfo;
    }
    const y = backend.alloc(n);
    eltwiseForward(backend.engine, alg, n).run([[ARG.src, backend.f32(x)], [ARG.dst, y]]);
    return backend.output(x.shape, y);
  };
}

/** The unary kernels, by tfjs name. */
export const UNARY_KERNELS: Readonly<Record<string, OnednnKernelFunc>> = {
  [tf.Relu]: unary(tf.Relu, ALG.eltwiseRelu),
  [tf.Tanh]: unary(tf.Tanh, ALG.eltwiseTanh),
  [tf.Exp]: unary(tf.Exp, ALG.eltwiseExp),
  [tf.Log]: unary(tf.Log, ALG.eltwiseLog),
  [tf.Sigmoid]: unary(tf.Sigmoid, ALG.eltwiseLogistic),
  [tf.Sqrt]: unary(tf.Sqrt, ALG.eltwiseSqrt),
  [tf.Square]: unary(tf.Square, ALG.eltwiseSquare),
  [tf.Abs]: unary(tf.Abs, ALG.eltwiseAbs),
};

/** ProjectReluGrad: `{dy, x}` → dy · (x > 0). */
export function reluGrad({ inputs, backend }: OnednnKernelArgs): tf.TensorInfo {
  const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
  const n = tf.util.sizeFromShape(x.shape);
  const dx = backend.alloc(n);
  const [g, v] = [backend.f32(dy), backend.f32(x)];
  if (n < MIN_PARALLEL_ELEMENTS) {
    for (let i = 0; i < n; i++) dx[i] = v[i] > 0 ? g[i] : 0;
  } else {
    reluBackward(backend.engine, n).run([[ARG.src, v], [ARG.diffDst, g], [ARG.diffSrc, dx]]);
  }
  return backend.output(x.shape, dx);
}
