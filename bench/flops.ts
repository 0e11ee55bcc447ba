/**
 * Forward FLOPs of a tfjs-layers model, counted the usual way: 2 × multiply-accumulates of the
 * convolutions and dense layers (ResNet50 at 224×224: 7.72 GFLOP). Normalisation, activations, pooling
 * and additions are memory-bound and left out, as in the published figures.
 */
import type * as tf from "@tensorflow/tfjs";

/** The figure the bench quotes for ResNet50 (3.86 G multiply-accumulates per 224×224 image). */
export const RESNET50_FORWARD_FLOPS = 7.72e9;

type Shape = (number | null)[];
const firstShape = (s: Shape | Shape[]): Shape => (Array.isArray(s[0]) ? (s as Shape[])[0] : (s as Shape));
const size = (s: Shape) => s.reduce<number>((a, d) => a * (d ?? 1), 1);

/** FLOPs of one layer for one example. */
export function layerFlops(layer: tf.layers.Layer): number {
  const cls = layer.getClassName();
  const cfg = layer.getConfig() as Record<string, unknown>;
  if (cls === "Conv2D" || cls === "DepthwiseConv2D") {
    const out = firstShape(layer.outputShape as Shape | Shape[]);
    const inp = firstShape(layer.inputSpec?.[0]?.shape ?? (layer.input as tf.SymbolicTensor).shape);
    const k = cfg.kernelSize as number[] | number;
    const [kh, kw] = Array.isArray(k) ? k : [k, k];
    const perOutput = cls === "Conv2D" ? kh * kw * (inp.at(-1) ?? 1) : kh * kw;
    return 2 * size(out.slice(1)) * perOutput;
  }
  if (cls === "Dense") {
    const out = firstShape(layer.outputShape as Shape | Shape[]);
    const inp = firstShape((layer.input as tf.SymbolicTensor).shape);
    return 2 * size(inp.slice(1)) * (out.at(-1) ?? 1);
  }
  return 0;
}

/** Forward FLOPs per example of `model` (convolutions and dense layers). */
export function forwardFlopsPerImage(model: tf.LayersModel): number {
  return model.layers.reduce((s, l) => s + layerFlops(l), 0);
}
