/**
 * Prediction with a trained run: images prepared as the run records (decode, optional face box,
 * resize, value = byte / 255), every head's class probabilities, and the lines `predict` prints.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { decodeImage } from "../data/decode.ts";
import { toUnitFloats } from "../data/mod.ts";
import type { HeadConfig, Preprocessing } from "../run/mod.ts";
import { headOutputs } from "./cross_entropy.ts";

/**
 * Softmax probabilities per head for `count` images (`x`: NHWC floats in [0,1]), in inference mode:
 * `result[h][i]` is image i's class distribution for head h (read asynchronously, as every backend can).
 */
export async function predictProbabilities(
  model: tf.LayersModel,
  x: Float32Array,
  count: number,
  size: number,
): Promise<number[][][]> {
  const out = tf.tidy(() =>
    headOutputs(model.apply(tf.tensor4d(x, [count, size, size, 3]), { training: false }) as tf.Tensor)
  );
  try {
    return await Promise.all(out.map(async (t) => await t.array() as number[][]));
  } finally {
    tf.dispose(out);
  }
}

/**
 * The model input of image files under a run's preprocessing (`box`, in source pixels, crops every
 * image first): `count*size*size*3` floats, NHWC.
 */
export async function prepareImages(
  files: readonly string[],
  pre: Preprocessing,
  box?: readonly [number, number, number, number],
): Promise<Float32Array> {
  const px = pre.size * pre.size * 3;
  const x = new Float32Array(files.length * px);
  for (const [i, file] of files.entries()) {
    // The recorded scale is byte / 255 (`x/255`): the one conversion training used.
    toUnitFloats(await decodeImage(file, box, pre.size, file, pre.fit), x, i * px);
  }
  return x;
}

/** One image's prediction. */
export interface Prediction {
  image: string;
  heads: Record<string, { class: string; probability: number; probabilities: Record<string, number> }>;
}

/** Each head's most probable class, its probability and the whole distribution, per image. */
export async function predictImages(
  model: tf.LayersModel,
  heads: readonly Pick<HeadConfig, "name" | "classes">[],
  pre: Preprocessing,
  images: readonly string[],
  box?: readonly [number, number, number, number],
): Promise<Prediction[]> {
  const x = await prepareImages(images, pre, box);
  const probs = await predictProbabilities(model, x, images.length, pre.size);
  return images.map((image, i) => ({
    image,
    heads: Object.fromEntries(heads.map((h, hi) => {
      const p = probs[hi][i];
      const best = p.indexOf(Math.max(...p));
      return [h.name, {
        class: h.classes[best],
        probability: p[best],
        probabilities: Object.fromEntries(h.classes.map((c, ci) => [c, p[ci]])),
      }];
    })),
  }));
}

/** The text lines of predictions: `photo.jpg  smile: smile 0.93  gender: male 0.88`. */
export function formatPredictions(predictions: readonly Prediction[]): string {
  const width = Math.max(...predictions.map((p) => p.image.length));
  return predictions.map((p) =>
    [
      p.image.padEnd(width),
      ...Object.entries(p.heads).map(([h, v]) => `${h}: ${v.class} ${v.probability.toFixed(2)}`),
    ].join("  ")
  ).join("\n");
}
