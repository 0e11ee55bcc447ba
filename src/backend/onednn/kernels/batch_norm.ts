/**
 * Batch normalisation on oneDNN: training forward (statistics and normalisation in one primitive),
 * its fused backward (dx, dscale, doffset in one primitive, instead of tfjs' composed gradient through
 * moments), and inference with moving statistics (tfjs' FusedBatchNorm).
 *
 * Channels are the last axis (NHWC, or any rank with features last); all other axes are reduced.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { ARG, BN_FLAG, PROP, SIZE, TAG } from "../abi.ts";
import { allFloat32, cpuKernel, type OnednnKernelArgs } from "../backend.ts";
import { check, type Engine, type MemoryDesc, type Primitive } from "../engine.ts";

/** The data descriptor of an NHWC (or features-last) tensor, and a key for it. */
function dataDesc(engine: Engine, shape: readonly number[]): { md: MemoryDesc; key: string; c: number } {
  const c = shape[shape.length - 1];
  const dimsNchw = shape.length === 4
    ? [shape[0], c, shape[1], shape[2]]
    : [tf.util.sizeFromShape(shape.slice(0, -1)), c, 1, 1];
  return { md: engine.md(dimsNchw, TAG.nhwc), key: dimsNchw.join(","), c };
}

const SCALE_SHIFT = BN_FLAG.useScale | BN_FLAG.useShift;

function forwardTraining(engine: Engine, data: MemoryDesc, key: string, c: number, eps: number): Primitive {
  return engine.cached(`bn.fwd:${key}:${eps}`, () => {
    const desc = new Uint8Array(SIZE.anyDesc);
    check(
      engine.dnnl.dnnl_batch_normalization_forward_desc_init(
        desc,
        PROP.forwardTraining,
        data.bytes,
        eps,
        SCALE_SHIFT,
      ),
      "batch norm forward desc",
    );
    const ch = engine.md([c], TAG.a);
    return engine.primitive(desc).bind(ARG.src, data).bind(ARG.dst, data).bind(ARG.mean, ch)
      .bind(ARG.variance, ch).bind(ARG.scale, ch).bind(ARG.shift, ch);
  });
}

function backward(engine: Engine, data: MemoryDesc, key: string, c: number, eps: number): Primitive {
  return engine.cached(`bn.bwd:${key}:${eps}`, () => {
    const desc = new Uint8Array(SIZE.anyDesc);
    check(
      engine.dnnl.dnnl_batch_normalization_backward_desc_init(
        desc,
        PROP.backward,
        data.bytes,
        data.bytes,
        eps,
        SCALE_SHIFT,
      ),
      "batch norm backward desc",
    );
    const ch = engine.md([c], TAG.a);
    return engine.primitive(desc, forwardTraining(engine, data, key, c, eps))
      .bind(ARG.src, data).bind(ARG.mean, ch).bind(ARG.variance, ch).bind(ARG.diffDst, data)
      .bind(ARG.scale, ch).bind(ARG.shift, ch).bind(ARG.diffSrc, data).bind(ARG.diffScale, ch)
      .bind(ARG.diffShift, ch);
  });
}

function inference(engine: Engine, data: MemoryDesc, key: string, c: number, eps: number): Primitive {
  return engine.cached(`bn.inf:${key}:${eps}`, () => {
    const desc = new Uint8Array(SIZE.anyDesc);
    check(
      engine.dnnl.dnnl_batch_normalization_forward_desc_init(
        desc,
        PROP.forwardInference,
        data.bytes,
        eps,
        SCALE_SHIFT | BN_FLAG.useGlobalStats,
      ),
      "batch norm inference desc",
    );
    const ch = engine.md([c], TAG.a);
    return engine.primitive(desc).bind(ARG.src, data).bind(ARG.dst, data).bind(ARG.mean, ch)
      .bind(ARG.variance, ch).bind(ARG.scale, ch).bind(ARG.shift, ch);
  });
}

/** ProjectBatchNormTraining: `{x, scale, offset}` → `[y, mean, variance]`. */
export function batchNormTraining({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo[] {
  const { x, scale, offset } = inputs as Record<string, tf.TensorInfo>;
  const eps = (attrs as { epsilon: number }).epsilon;
  const engine = backend.engine;
  const { md, key, c } = dataDesc(engine, x.shape);
  const y = backend.alloc(tf.util.sizeFromShape(x.shape));
  const mean = backend.alloc(c), variance = backend.alloc(c);
  forwardTraining(engine, md, key, c, eps).run([
    [ARG.src, backend.f32(x)],
    [ARG.dst, y],
    [ARG.mean, mean],
    [ARG.variance, variance],
    [ARG.scale, backend.f32(scale)],
    [ARG.shift, backend.f32(offset)],
  ]);
  return [backend.output(x.shape, y), backend.output([c], mean), backend.output([c], variance)];
}

/** ProjectBatchNormTrainingGrad: `{dy, x, scale, mean, variance}` → `[dx, dScale, dOffset]`. */
export function batchNormTrainingGrad({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo[] {
  const { dy, x, scale, mean, variance } = inputs as Record<string, tf.TensorInfo>;
  const eps = (attrs as { epsilon: number }).epsilon;
  const engine = backend.engine;
  const { md, key, c } = dataDesc(engine, x.shape);
  const dx = backend.alloc(tf.util.sizeFromShape(x.shape));
  const dScale = backend.alloc(c), dOffset = backend.alloc(c);
  backward(engine, md, key, c, eps).run([
    [ARG.src, backend.f32(x)],
    [ARG.mean, backend.f32(mean)],
    [ARG.variance, backend.f32(variance)],
    [ARG.diffDst, backend.f32(dy)],
    [ARG.scale, backend.f32(scale)],
    // oneDNN 2.x asks for the shift in the backward pass too, though no gradient depends on it.
    [ARG.shift, new Float32Array(c)],
    [ARG.diffSrc, dx],
    [ARG.diffScale, dScale],
    [ARG.diffShift, dOffset],
  ]);
  return [backend.output(x.shape, dx), backend.output([c], dScale), backend.output([c], dOffset)];
}

const cpuFusedBatchNorm = cpuKernel(tf.FusedBatchNorm);

/** FusedBatchNorm (inference with given statistics) when every parameter is one value per channel. */
export function fusedBatchNorm({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo {
  const { x, mean, variance, scale, offset } = inputs as Record<string, tf.TensorInfo | undefined>;
  const c = x!.shape[x!.shape.length - 1];
  const perChannel = [mean, variance, scale, offset].every((t) =>
    !t || (t.shape.length === 1 && t.shape[0] === c)
  );
  if (!perChannel || !allFloat32(x, mean, variance, scale, offset)) {
    return cpuFusedBatchNorm({ inputs, backend, attrs }) as tf.TensorInfo;
  }
  const eps = (attrs as { varianceEpsilon: number }).varianceEpsilon;
  const engine = backend.engine;
  const { md, key } = dataDesc(engine, x!.shape);
  const y = backend.alloc(tf.util.sizeFromShape(x!.shape));
  inference(engine, md, key, c, eps).run([
    [ARG.src, backend.f32(x!)],
    [ARG.dst, y],
    [ARG.mean, backend.f32(mean!)],
    [ARG.variance, backend.f32(variance!)],
    [ARG.scale, scale ? backend.f32(scale) : new Float32Array(c).fill(1)],
    [ARG.shift, offset ? backend.f32(offset) : new Float32Array(c)],
  ]);
  return backend.output(x!.shape, y);
}
