/**
 * The class behind a tfjs-layers factory. tfjs-layers exports some layer classes only through their
 * factories (`tf.layers.conv2d`), so a subclass starts from an instance's constructor.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** The class `factory` builds, found by building one with `sample` arguments. */
export function stockLayerClass<A>(
  factory: (args: A) => tf.layers.Layer,
  sample: A,
): new (args: A) => tf.layers.Layer {
  return (factory(sample) as object).constructor as new (args: A) => tf.layers.Layer;
}
