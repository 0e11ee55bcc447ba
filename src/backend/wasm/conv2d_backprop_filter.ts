/**
 * `Conv2DBackpropFilter` for wasm, which stock tfjs-backend-wasm lacks (tfjs issue 8474), built from
 * the fast XNNPACK forward conv:
 *
 *   dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s+kh−pt, ow·s+kw−pl, ci] · dy[n,oh,ow,co]
 *                   = Conv2D(xᵀ, dyᵀ)  with xᵀ = x[ci,h,w,n] as the batch, dyᵀ = dy[oh,ow,n,co] as the
 *                     filter, dilation = the forward stride, and explicit padding chosen so the output
 *                     is exactly KH×KW.
 *
 * A 1×1 filter without padding is a matrix product xᵀ·dy (x sub-sampled by the stride first). For a
 * small batch, a 3-channel input or many output channels, the transposed patch matrix Pᵀ (im2col) times
 * dy is faster: one matrix product whose result is already in [KH,KW,Ci,Co] order.
 */
import * as tf from "@tensorflow/tfjs-core";
import { conv2dExplicit } from "./conv_explicit.ts";
import { im2colT } from "./im2col.ts";
import { type BackendWasm, callStock, nhwcConvInfo, reshapeInfo, withTemps } from "./kernel_util.ts";
import { sliceInfo } from "./slice.ts";
import { transposeInfo } from "./transpose.ts";

/** Override for experiments: "im2col" or "conv" forces a path. */
export const backpropFilterPath: { force?: "im2col" | "conv" } = {};

// The identity conv contracts over the batch as its channel axis, which XNNPACK handles poorly for a
// small batch or a 3-channel input; im2col + one matrix product wins there and wherever Co is large
// enough to hide the patch copy (its cost relative to the product is 1/Co). Measured on 2 vCPUs.
function useIm2col(g: { n: number; ci: number; co: number }, patchElements: number): boolean {
  if (backpropFilterPath.force) return backpropFilterPath.force === "im2col";
  if (patchElements > 32 * 2 ** 20) return false; // keep the patch matrix under 128 MB
  return g.n < 8 || g.ci <= 4 || g.co >= 128;
}

/** Computes dW for NHWC `x` and `dy` on wasm (dilations must be 1, as tfjs' conv2d gradient requires). */
export function conv2dBackpropFilterWasm(
  backend: BackendWasm,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  attrs: tf.Conv2DBackpropFilterAttrs,
): tf.TensorInfo {
  const info = nhwcConvInfo(
    "Conv2DBackpropFilter",
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs,
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = info;
  const { outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const { top: pt, left: pl } = info.padInfo;

  return withTemps(backend, (t) => {
    const pointwise = kh === 1 && kw === 1 && pt === 0 && pl === 0 && (oh - 1) * sh < h && (ow - 1) * sw < w;
    if (pointwise) {
      // dW = xsᵀ · dy with xs the strided sample of x that the forward conv read.
      const xs = sh === 1 && sw === 1 && oh === h && ow === w
        ? x
        : t.add(sliceInfo(backend, x, [0, 0, 0, 0], [n, oh, ow, ci], [1, sh, sw, 1]));
      const rows = n * oh * ow;
      const xT = t.add(transposeInfo(backend, t.add(reshapeInfo(backend, xs, [rows, ci])), [1, 0]));
      const a = t.add(reshapeInfo(backend, xT, [1, ci, rows]));
      const b = t.add(reshapeInfo(backend, dy, [1, rows, co]));
      const out = callStock(tf.BatchMatMul, backend, { a, b }, { transposeA: false, transposeB: false });
      out.shape = [1, 1, ci, co];
      return out;
    }
    if (useIm2col({ n, ci, co }, kh * kw * ci * n * oh * ow)) {
      const g = { n, h, w, ci, kh, kw, sh, sw, pt, pl, oh, ow };
      const rows = n * oh * ow;
      const p = t.add(im2colT(backend, x, g));
      const a = t.add(reshapeInfo(backend, p, [1, kh * kw * ci, rows]));
      const b = t.add(reshapeInfo(backend, dy, [1, rows, co]));
      const out = callStock(tf.BatchMatMul, backend, { a, b }, { transposeA: false, transposeB: false });
      out.shape = [kh, kw, ci, co];
      return out;
    }
    const xT = t.add(transposeInfo(backend, x, [3, 1, 2, 0])); // [ci, h, w, n]
    const dyT = t.add(transposeInfo(backend, dy, [1, 2, 0, 3])); // [oh, ow, n, co]
    const pads = {
      top: pt,
      bottom: (oh - 1) * sh + kh - h - pt,
      left: pl,
      right: (ow - 1) * sw + kw - w - pl,
    };
    const r = t.add(conv2dExplicit(backend, xT, dyT, [1, 1], [sh, sw], pads)); // [ci, kh, kw, co]
    return transposeInfo(backend, r, [1, 2, 0, 3]);
  });
}

/** Kernel registration entry for `Conv2DBackpropFilter` on wasm. */
export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as unknown as { x: tf.TensorInfo; dy: tf.TensorInfo };
    return conv2dBackpropFilterWasm(
      backend as BackendWasm,
      x,
      dy,
      attrs as unknown as tf.Conv2DBackpropFilterAttrs,
    );
  },
};
