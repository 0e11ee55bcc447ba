/**
 * Forward Conv2D through the stock wasm (XNNPACK) kernel with explicit, possibly negative, padding.
 * The backward kernels are built from this one call; a negative pad means "skip these input rows",
 * which XNNPACK cannot express, so such inputs are cropped first.
 */
import * as tf from "@tensorflow/tfjs-core";
import { type BackendWasm, callStock, withTemps } from "./kernel_util.ts";
import { sliceInfo } from "./slice.ts";

/** Explicit padding of the two spatial axes; negative values crop. */
export interface Pads {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/** NHWC conv of `x` [N,H,W,Ci] with `filter` [KH,KW,Ci,Co]; result is a new TensorInfo. */
export function conv2dExplicit(
  backend: BackendWasm,
  x: tf.TensorInfo,
  filter: tf.TensorInfo,
  strides: [number, number],
  dilations: [number, number],
  pads: Pads,
): tf.TensorInfo {
  return withTemps(backend, (t) => {
    let input = x;
    let { top, bottom, left, right } = pads;
    if (top < 0 || bottom < 0 || left < 0 || right < 0) {
      const [n, h, w, c] = x.shape;
      const ct = Math.max(0, -top),
        cb = Math.max(0, -bottom),
        cl = Math.max(0, -left),
        cr = Math.max(0, -right);
      input = t.add(sliceInfo(backend, x, [0, ct, cl, 0], [n, h - ct - cb, w - cl - cr, c]));
      top = Math.max(0, top),
        bottom = Math.max(0, bottom),
        left = Math.max(0, left),
        right = Math.max(0, right);
    }
    const pad = [[0, 0], [top, bottom], [left, right], [0, 0]] as tf.backend_util.ExplicitPadding;
    return callStock(tf.Conv2D, backend, { x: input, filter }, {
      strides,
      dilations,
      pad,
      dataFormat: "NHWC",
      dimRoundingMode: "floor",
    } as unknown as tf.NamedAttrMap);
  });
}
