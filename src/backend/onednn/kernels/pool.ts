/**
 * Max and average pooling on oneDNN, forward and backward (NHWC). Max pooling's backward needs the
 * forward's workspace (where each maximum came from); tfjs' MaxPoolGrad gets x and y instead, so the
 * forward runs again in training mode to produce it: cheap next to the convolutions around it.
 * Average pooling excludes padding, as tfjs does.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { ALG, ARG, PROP, QUERY, SIZE, TAG } from "../abi.ts";
import { allFloat32, cpuKernel, type OnednnKernelArgs } from "../backend.ts";
import { check, dims, type Engine, type MemoryDesc, type Primitive } from "../engine.ts";

type PoolInfo = tf.backend_util.Conv2DInfo;
type Kind = "max" | "avg";

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: "same" | "valid" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function poolInfo(xShape: number[], a: PoolAttrs): PoolInfo | undefined {
  if (xShape.length !== 4) return undefined;
  return tf.backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    a.filterSize,
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
  );
}

interface PoolGeometry {
  key: string;
  src: MemoryDesc;
  dst: MemoryDesc;
  args: BigInt64Array[];
}

function geometry(engine: Engine, p: PoolInfo): PoolGeometry {
  const pad = p.padInfo;
  return {
    key: [
      p.inShape,
      p.outShape,
      p.filterHeight,
      p.filterWidth,
      p.strideHeight,
      p.strideWidth,
      pad.top,
      pad.left,
    ]
      .join(","),
    src: engine.md([p.batchSize, p.inChannels, p.inHeight, p.inWidth], TAG.nhwc),
    dst: engine.md([p.batchSize, p.outChannels, p.outHeight, p.outWidth], TAG.nhwc),
    // strides, kernel, dilation (0 = none), padding left/top, padding right/bottom
    args: [
      dims([p.strideHeight, p.strideWidth]),
      dims([p.filterHeight, p.filterWidth]),
      dims([0, 0]),
      dims([pad.top, pad.left]),
      dims([pad.bottom, pad.right]),
    ],
  };
}

const ALGS: Record<Kind, number> = { max: ALG.poolingMax, avg: ALG.poolingAvgExcludePadding };

function forward(engine: Engine, g: PoolGeometry, kind: Kind, training: boolean): Primitive {
  return engine.cached(`pool.fwd:${kind}:${training}:${g.key}`, () => {
    const desc = new Uint8Array(SIZE.anyDesc);
    const prop = training ? PROP.forwardTraining : PROP.forwardInference;
    const [s, k, d, l, r] = g.args;
    check(
      engine.dnnl.dnnl_pooling_v2_forward_desc_init(
        desc,
        prop,
        ALGS[kind],
        g.src.bytes,
        g.dst.bytes,
        s,
        k,
        d,
        l,
        r,
      ),
      "pooling forward desc",
    );
    const p = engine.primitive(desc).bind(ARG.src, g.src).bind(ARG.dst, g.dst);
    if (training && kind === "max") p.bind(ARG.workspace, p.query(QUERY.workspaceMd));
    return p;
  });
}

function backward(engine: Engine, g: PoolGeometry, kind: Kind): Primitive {
  return engine.cached(`pool.bwd:${kind}:${g.key}`, () => {
    const desc = new Uint8Array(SIZE.anyDesc);
    const [s, k, d, l, r] = g.args;
    check(
      engine.dnnl.dnnl_pooling_v2_backward_desc_init(
        desc,
        ALGS[kind],
        g.src.bytes,
        g.dst.bytes,
        s,
        k,
        d,
        l,
        r,
      ),
      "pooling backward desc",
    );
    const hint = forward(engine, g, kind, true);
    const p = engine.primitive(desc, hint).bind(ARG.diffSrc, g.src).bind(ARG.diffDst, g.dst);
    if (kind === "max") p.bind(ARG.workspace, p.query(QUERY.workspaceMd));
    return p;
  });
}

function poolForward(kind: Kind, fallback: ReturnType<typeof cpuKernel>) {
  return ({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo => {
    const { x } = inputs as { x: tf.TensorInfo };
    const info = x.dtype === "float32" ? poolInfo(x.shape, attrs as unknown as PoolAttrs) : undefined;
    if (!info) return fallback({ inputs, backend, attrs }) as tf.TensorInfo;
    const g = geometry(backend.engine, info);
    const y = backend.alloc(tf.util.sizeFromShape(info.outShape));
    forward(backend.engine, g, kind, false).run([[ARG.src, backend.f32(x)], [ARG.dst, y]]);
    return backend.output(info.outShape, y);
  };
}

/** MaxPool. */
export const maxPool = poolForward("max", cpuKernel(tf.MaxPool));
/** AvgPool. */
export const avgPool = poolForward("avg", cpuKernel(tf.AvgPool));

const cpuMaxPoolGrad = cpuKernel(tf.MaxPoolGrad);
const cpuAvgPoolGrad = cpuKernel(tf.AvgPoolGrad);

/** MaxPoolGrad: `{dy, input, output}` → dx. */
export function maxPoolGrad({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const info = allFloat32(dy, input) ? poolInfo(input.shape, attrs as unknown as PoolAttrs) : undefined;
  if (!info) return cpuMaxPoolGrad({ inputs, backend, attrs }) as tf.TensorInfo;
  const engine = backend.engine;
  const g = geometry(engine, info);
  const fwd = forward(engine, g, "max", true);
  const ws = new Uint8Array(fwd.bytes(fwd.query(QUERY.workspaceMd)));
  const y = backend.alloc(tf.util.sizeFromShape(info.outShape)); // scratch: only the workspace is used
  fwd.run([[ARG.src, backend.f32(input)], [ARG.dst, y], [ARG.workspace, ws]]);
  backend.recycle(y);
  const dx = backend.alloc(tf.util.sizeFromShape(input.shape));
  backward(engine, g, "max").run([[ARG.diffDst, backend.f32(dy)], [ARG.diffSrc, dx], [ARG.workspace, ws]]);
  return backend.output(input.shape, dx);
}

/** AvgPoolGrad: `{dy, input}` → dx. */
export function avgPoolGrad({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const info = allFloat32(dy, input) ? poolInfo(input.shape, attrs as unknown as PoolAttrs) : undefined;
  if (!info) return cpuAvgPoolGrad({ inputs, backend, attrs }) as tf.TensorInfo;
  const g = geometry(backend.engine, info);
  const dx = backend.alloc(tf.util.sizeFromShape(input.shape));
  backward(backend.engine, g, "avg").run([[ARG.diffDst, backend.f32(dy)], [ARG.diffSrc, dx]]);
  return backend.output(input.shape, dx);
}
