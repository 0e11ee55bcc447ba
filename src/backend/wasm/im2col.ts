/**
 * Transposed im2col: the patches of an NHWC input as a [KH·KW·Ci, N·OH·OW] matrix, so a weight
 * gradient is one matrix product Pᵀ·dy that lands directly in [KH,KW,Ci,Co] order. Each tap is a
 * blocked 2-D transpose of strided input rows; padding reads as zeros.
 */
import * as tf from "@tensorflow/tfjs-core";
import { alloc, type BackendWasm, heap } from "./kernel_util.ts";
import { block2d } from "./transpose.ts";

/** Geometry of a convolution as the backward kernels see it. */
export interface ConvGeometry {
  n: number;
  h: number;
  w: number;
  ci: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  pt: number;
  pl: number;
  oh: number;
  ow: number;
}

/** Pᵀ for `x` (caller disposes): row (a·KW + b)·Ci + c, column (n·OH + i)·OW + j. */
export function im2colT(backend: BackendWasm, x: tf.TensorInfo, g: ConvGeometry): tf.TensorInfo {
  const cols = g.n * g.oh * g.ow;
  const out = alloc(backend, [g.kh * g.kw * g.ci, cols]);
  const src = heap(backend, x), dst = heap(backend, out);
  const padded = g.pt > 0 || g.pl > 0 || (g.oh - 1) * g.sh + g.kh - g.pt > g.h ||
    (g.ow - 1) * g.sw + g.kw - g.pl > g.w;
  if (padded) dst.fill(0);
  for (let a = 0; a < g.kh; a++) {
    for (let b = 0; b < g.kw; b++) {
      const rowBase = (a * g.kw + b) * g.ci * cols;
      // Output columns j whose input column j·sw + b − pl lies inside the image.
      const jLo = Math.max(0, Math.ceil((g.pl - b) / g.sw));
      const jHi = Math.min(g.ow, Math.floor((g.w - 1 + g.pl - b) / g.sw) + 1);
      if (jHi <= jLo) continue;
      for (let n = 0; n < g.n; n++) {
        for (let i = 0; i < g.oh; i++) {
          const ih = i * g.sh + a - g.pt;
          if (ih < 0 || ih >= g.h) continue;
          const sBase = ((n * g.h + ih) * g.w + jLo * g.sw + b - g.pl) * g.ci;
          const dBase = rowBase + (n * g.oh + i) * g.ow + jLo;
          block2d(src, dst, sBase, dBase, g.ci, jHi - jLo, g.sw * g.ci, cols);
        }
      }
    }
  }
  return out;
}
