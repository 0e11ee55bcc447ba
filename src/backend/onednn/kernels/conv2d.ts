/**
 * Convolutions on oneDNN: forward (Conv2D, and FusedConv2D with a bias), backward data
 * (Conv2DBackpropInput) and backward weights (Conv2DBackpropFilter). Activations stay in tfjs' NHWC
 * layout, which oneDNN's channels-last kernels read directly; filters go from tfjs' HWIO to the layout
 * each primitive prefers (see weights.ts).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { ALG, ARG, PROP, QUERY, SIZE, TAG } from "../abi.ts";
import { allFloat32, cpuKernel, type OnednnBackend, type OnednnKernelArgs } from "../backend.ts";
import { check, dims, type Engine, type MemoryDesc, type Primitive } from "../engine.ts";
import { reorderedWeights, reorderInto } from "./weights.ts";

type ConvInfo = tf.backend_util.Conv2DInfo;
type Pad = "same" | "valid" | number | tf.backend_util.ExplicitPadding;

/** A convolution's shapes as oneDNN descriptors, and a key naming them. */
interface Geometry {
  key: string;
  info: ConvInfo;
  src: MemoryDesc;
  dst: MemoryDesc;
  weightsAny: MemoryDesc;
  weightsUser: MemoryDesc;
  bias: MemoryDesc;
  strides: BigInt64Array;
  dilates: BigInt64Array;
  padL: BigInt64Array;
  padR: BigInt64Array;
}

function geometry(engine: Engine, c: ConvInfo): Geometry {
  const w = [c.outChannels, c.inChannels, c.filterHeight, c.filterWidth];
  const p = c.padInfo;
  return {
    key: [
      c.inShape,
      c.filterHeight,
      c.filterWidth,
      c.outChannels,
      c.strideHeight,
      c.strideWidth,
      c.dilationHeight,
      c.dilationWidth,
      p.top,
      p.bottom,
      p.left,
      p.right,
    ].join(","),
    info: c,
    src: engine.md([c.batchSize, c.inChannels, c.inHeight, c.inWidth], TAG.nhwc),
    dst: engine.md([c.batchSize, c.outChannels, c.outHeight, c.outWidth], TAG.nhwc),
    weightsAny: engine.md(w, TAG.any),
    weightsUser: engine.md(w, TAG.hwio),
    bias: engine.md([c.outChannels], TAG.a),
    strides: dims([c.strideHeight, c.strideWidth]),
    dilates: dims([c.dilationHeight - 1, c.dilationWidth - 1]),
    padL: dims([p.top, p.left]),
    padR: dims([p.bottom, p.right]),
  };
}

type Pass = "forward" | "backward data" | "backward weights";

/** The op descriptor of one pass of the convolution `g` (the bias only where the pass has one). */
function convDesc(engine: Engine, g: Geometry, pass: Pass, bias: boolean): Uint8Array {
  const desc = new Uint8Array(SIZE.anyDesc);
  const d = engine.dnnl, alg = ALG.convolutionDirect;
  const [src, w, b, dst] = [g.src.bytes, g.weightsAny.bytes, bias ? g.bias.bytes : null, g.dst.bytes];
  const window = [g.strides, g.dilates, g.padL, g.padR] as const;
  check(
    pass === "forward"
      ? d.dnnl_dilated_convolution_forward_desc_init(
        desc,
        PROP.forwardTraining,
        alg,
        src,
        w,
        b,
        dst,
        ...window,
      )
      : pass === "backward data"
      ? d.dnnl_dilated_convolution_backward_data_desc_init(desc, alg, src, w, dst, ...window)
      : d.dnnl_dilated_convolution_backward_weights_desc_init(desc, alg, src, w, b, dst, ...window),
    `convolution ${pass} desc`,
  );
  return desc;
}

/** The forward primitive of `g` (also the hint backward primitives need). */
function forward(engine: Engine, g: Geometry, bias: boolean): Primitive {
  return engine.cached(`conv.fwd:${g.key}:${bias}`, () => {
    const p = engine.primitive(convDesc(engine, g, "forward", bias));
    p.bind(ARG.src, g.src).bind(ARG.weights, p.query(QUERY.weightsMd)).bind(ARG.dst, g.dst);
    return bias ? p.bind(ARG.bias, g.bias) : p;
  });
}

function backwardData(engine: Engine, g: Geometry): Primitive {
  return engine.cached(`conv.bwd_data:${g.key}`, () => {
    const p = engine.primitive(convDesc(engine, g, "backward data", false), forward(engine, g, false));
    return p.bind(ARG.diffSrc, g.src).bind(ARG.weights, p.query(QUERY.weightsMd)).bind(ARG.diffDst, g.dst);
  });
}

function backwardWeights(engine: Engine, g: Geometry, bias = false): Primitive {
  return engine.cached(`conv.bwd_weights:${g.key}:${bias}`, () => {
    const p = engine.primitive(convDesc(engine, g, "backward weights", bias), forward(engine, g, bias));
    p.bind(ARG.src, g.src).bind(ARG.diffWeights, p.query(QUERY.diffWeightsMd)).bind(ARG.diffDst, g.dst);
    return bias ? p.bind(ARG.diffBias, g.bias) : p;
  });
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: Pad;
  dataFormat?: "NHWC" | "NCHW";
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
}

function convInfo(xShape: number[], filterShape: number[], a: ConvAttrs): ConvInfo | undefined {
  if (a.dataFormat === "NCHW" || xShape.length !== 4) return undefined;
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
  );
}

/** y = conv(x, filter) (+ bias), on oneDNN. */
function runForward(
  backend: OnednnBackend,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  bias: tf.TensorInfo | undefined,
  info: ConvInfo,
): tf.TensorInfo {
  const engine = backend.engine;
  const g = geometry(engine, info);
  const p = forward(engine, g, bias !== undefined);
  const w = reorderedWeights(
    engine,
    p,
    `w:${g.key}:fwd`,
    filter,
    backend.f32(filter),
    g.weightsUser,
    p.query(QUERY.weightsMd),
  );
  const y = backend.alloc(tf.util.sizeFromShape(info.outShape));
  const args: [number, Float32Array][] = [[ARG.src, backend.f32(x)], [ARG.weights, w], [ARG.dst, y]];
  if (bias) args.push([ARG.bias, backend.f32(bias)]);
  p.run(args);
  return backend.output(info.outShape, y);
}

const cpuConv2D = cpuKernel(tf.Conv2D);
const cpuFusedConv2D = cpuKernel(tf.FusedConv2D);

/** Conv2D. */
export function conv2D({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo {
  const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
  const info = allFloat32(x, filter)
    ? convInfo(x.shape, filter.shape, attrs as unknown as ConvAttrs)
    : undefined;
  if (!info) return cpuConv2D({ inputs, backend, attrs }) as tf.TensorInfo;
  return runForward(backend, x, filter, undefined, info);
}

/** FusedConv2D with a per-channel bias and a linear activation; anything else goes to the cpu kernel. */
export function fusedConv2D({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo {
  const { x, filter, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
  const a = attrs as unknown as ConvAttrs & { activation?: string };
  const plain = (a.activation ?? "linear") === "linear" && !preluActivationWeights &&
    (!bias || bias.shape.length === 1) && allFloat32(x, filter, bias);
  const info = plain ? convInfo(x!.shape, filter!.shape, a) : undefined;
  if (!info || (bias && bias.shape[0] !== info.outChannels)) {
    return cpuFusedConv2D({ inputs, backend, attrs }) as tf.TensorInfo;
  }
  return runForward(backend, x!, filter!, bias, info);
}

/** ProjectConv2DBias: `{x, filter, bias?}`, attrs `strides`, `pad` (see src/layers/fused_kernels.ts). */
export function conv2DBias({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo {
  const { x, filter, bias } = inputs as Record<string, tf.TensorInfo | undefined>;
  const info = convInfo(x!.shape, filter!.shape, attrs as unknown as ConvAttrs)!;
  return runForward(backend, x!, filter!, bias, info);
}

const cpuBackpropInput = cpuKernel(tf.Conv2DBackpropInput);
const cpuBackpropFilter = cpuKernel(tf.Conv2DBackpropFilter);

/** Conv2DBackpropInput: dx from dy and the filter. */
export function conv2DBackpropInput({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as ConvAttrs & { inputShape: number[] };
  const info = allFloat32(dy, filter) ? convInfo(a.inputShape, filter.shape, a) : undefined;
  if (!info) return cpuBackpropInput({ inputs, backend, attrs }) as tf.TensorInfo;
  const engine = backend.engine;
  const g = geometry(engine, info);
  const p = backwardData(engine, g);
  const w = reorderedWeights(
    engine,
    p,
    `w:${g.key}:bwd`,
    filter,
    backend.f32(filter),
    g.weightsUser,
    p.query(QUERY.weightsMd),
  );
  const dx = backend.alloc(tf.util.sizeFromShape(info.inShape));
  p.run([[ARG.diffSrc, dx], [ARG.weights, w], [ARG.diffDst, backend.f32(dy)]]);
  return backend.output(info.inShape, dx);
}

/** Conv2DBackpropFilter: dFilter (HWIO) from x and dy. */
export function conv2DBackpropFilter({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as ConvAttrs & { filterShape: number[] };
  const info = allFloat32(x, dy) ? convInfo(x.shape, a.filterShape, a) : undefined;
  if (!info) return cpuBackpropFilter({ inputs, backend, attrs }) as tf.TensorInfo;
  const engine = backend.engine;
  const g = geometry(engine, info);
  const p = backwardWeights(engine, g);
  const chosen = p.query(QUERY.diffWeightsMd);
  const dwBlocked = backend.alloc(p.bytes(chosen) / 4);
  p.run([[ARG.src, backend.f32(x)], [ARG.diffWeights, dwBlocked], [ARG.diffDst, backend.f32(dy)]]);
  const dw = backend.alloc(tf.util.sizeFromShape(a.filterShape));
  reorderInto(engine, `dw:${g.key}`, chosen, g.weightsUser, dwBlocked, dw);
  backend.recycle(dwBlocked);
  return backend.output(a.filterShape, dw);
}

/** ProjectConv2DBiasFilterGrad: `{x, dy}` → `[dFilter (HWIO), dBias]` from one backward-weights pass. */
export function conv2DBiasFilterGrad({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo[] {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as ConvAttrs & { filterShape: number[] };
  const info = convInfo(x.shape, a.filterShape, a)!;
  const engine = backend.engine;
  const g = geometry(engine, info);
  const p = backwardWeights(engine, g, true);
  const chosen = p.query(QUERY.diffWeightsMd);
  const dwBlocked = backend.alloc(p.bytes(chosen) / 4);
  const db = backend.alloc(info.outChannels);
  p.run([[ARG.src, backend.f32(x)], [ARG.diffWeights, dwBlocked], [ARG.diffBias, db], [
    ARG.diffDst,
    backend.f32(dy),
  ]]);
  const dw = backend.alloc(tf.util.sizeFromShape(a.filterShape));
  reorderInto(engine, `dw:${g.key}`, chosen, g.weightsUser, dwBlocked, dw);
  backend.recycle(dwBlocked);
  return [backend.output(a.filterShape, dw), backend.output([info.outChannels], db)];
}
