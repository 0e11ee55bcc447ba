/**
 * Fast `Conv2DBackpropInput` for wasm (the stock kernel is a naive loop) built from the XNNPACK forward
 * conv. Along one axis, with stride s and padding pt:
 *
 *   dx[h] = Σ_{k,o : o·s + k − pt = h} dy[o] · W[k]
 *
 * For the outputs of one phase h = s·i + r only the taps k = k0 + s·j (k0 = (r+pt) mod s) contribute,
 * and o = i + c − j with c = (r+pt−k0)/s. So each of the s² phases is a stride-1 convolution of dy
 * with a flipped sub-filter (no zero insertion, no wasted multiplies); the phases are then interleaved.
 * Stride 1 is the single phase: a conv with the rotated, in/out-transposed filter.
 */
import * as tf from "@tensorflow/tfjs-core";
import { conv2dExplicit } from "./conv_explicit.ts";
import { alloc, type BackendWasm, heap, nhwcConvInfo, withTemps } from "./kernel_util.ts";
import { block2d } from "./transpose.ts";

/** One axis of one phase: its length, first tap, tap count and padding of dy. */
interface Phase {
  r: number;
  len: number;
  k0: number;
  taps: number;
  padBefore: number;
  padAfter: number;
}

/** Phase `r` of an axis with input length `n`, output length `o`, kernel `k`, stride `s`, pad `p`. */
export function phaseOf(r: number, n: number, o: number, k: number, s: number, p: number): Phase {
  const len = r < n ? Math.ceil((n - r) / s) : 0;
  const k0 = (r + p) % s;
  const taps = k0 < k ? Math.ceil((k - k0) / s) : 0;
  const c = (r + p - k0) / s;
  const padBefore = taps - 1 - c;
  // Output length of the stride-1 conv = o + padBefore + padAfter − taps + 1 = len.
  const padAfter = len - o + taps - 1 - padBefore;
  return { r, len, k0, taps, padBefore, padAfter };
}

/** Sub-filter [JH,JW,Co,Ci] of W [KH,KW,Ci,Co] for one phase, flipped so a forward conv applies it. */
function subFilter(
  backend: BackendWasm,
  filter: tf.TensorInfo,
  ph: Phase,
  pw: Phase,
  s: [number, number],
): tf.TensorInfo {
  const [, kw, ci, co] = filter.shape;
  const out = alloc(backend, [ph.taps, pw.taps, co, ci]);
  const src = heap(backend, filter), dst = heap(backend, out);
  const slab = ci * co;
  // Each tap's [Ci,Co] slab becomes [Co,Ci]: a blocked transpose (a strided gather thrashes the cache).
  for (let j = 0; j < ph.taps; j++) {
    const khIdx = ph.k0 + s[0] * (ph.taps - 1 - j);
    for (let l = 0; l < pw.taps; l++) {
      const kwIdx = pw.k0 + s[1] * (pw.taps - 1 - l);
      block2d(src, dst, (khIdx * kw + kwIdx) * slab, (j * pw.taps + l) * slab, co, ci, co, ci);
    }
  }
  return out;
}

/** Computes dx [N,H,W,Ci] for NHWC `dy` and `filter` on wasm. */
export function conv2dBackpropInputWasm(
  backend: BackendWasm,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  attrs: tf.Conv2DBackpropInputAttrs,
): tf.TensorInfo {
  const info = nhwcConvInfo(
    "Conv2DBackpropInput",
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs,
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const s: [number, number] = [sh, sw];
  const phasesH = Array.from({ length: sh }, (_, r) => phaseOf(r, h, oh, kh, sh, info.padInfo.top));
  const phasesW = Array.from({ length: sw }, (_, q) => phaseOf(q, w, ow, kw, sw, info.padInfo.left));

  const convPhase = (ph: Phase, pw: Phase) =>
    withTemps(backend, (t) => {
      const f = t.add(subFilter(backend, filter, ph, pw, s));
      const pads = { top: ph.padBefore, bottom: ph.padAfter, left: pw.padBefore, right: pw.padAfter };
      return conv2dExplicit(backend, dy, f, [1, 1], [1, 1], pads);
    });
  if (sh === 1 && sw === 1) return convPhase(phasesH[0], phasesW[0]);

  const dx = alloc(backend, [n, h, w, ci]);
  try {
    fillPhases(dx);
  } catch (e) {
    backend.disposeData(dx.dataId);
    throw e;
  }
  return dx;

  function fillPhases(dx: tf.TensorInfo): void {
    const incomplete = [...phasesH, ...phasesW].some((p) => p.len > 0 && p.taps === 0);
    if (incomplete) heap(backend, dx).fill(0);
    for (const ph of phasesH) {
      for (const pw of phasesW) {
        if (ph.len === 0 || pw.len === 0 || ph.taps === 0 || pw.taps === 0) continue;
        const part = convPhase(ph, pw); // [n, ph.len, pw.len, ci]
        try {
          const src = heap(backend, part), dst = heap(backend, dx);
          let o = 0;
          for (let b = 0; b < n; b++) {
            for (let i = 0; i < ph.len; i++) {
              let d = ((b * h + ph.r + sh * i) * w + pw.r) * ci;
              for (let j = 0; j < pw.len; j++, d += sw * ci) {
                for (let c = 0; c < ci; c++) dst[d + c] = src[o++];
              }
            }
          }
        } finally {
          backend.disposeData(part.dataId);
        }
      }
    }
  }
}

/** Kernel registration entry replacing the stock wasm `Conv2DBackpropInput`. */
export const conv2DBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: "wasm",
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs as unknown as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    return conv2dBackpropInputWasm(
      backend as BackendWasm,
      dy,
      filter,
      attrs as unknown as tf.Conv2DBackpropInputAttrs,
    );
  },
};
