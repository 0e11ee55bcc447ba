/**
 * Batch normalisation as the compiler lowers it: Keras' `BatchNormalization` (same class name, config
 * and weights, so saved models load anywhere tfjs runs), with room for a backend to train it with one
 * fused kernel instead of tfjs' composed moments + normalise graph.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** What the lowering passes for a `batchnorm` node. */
export interface BatchNormConfig {
  name: string;
  axis?: number;
  epsilon?: number;
  momentum?: number;
}

/** The batch-norm layer of a lowered graph. */
export function batchNormalization(config: BatchNormConfig): tf.layers.Layer {
  return tf.layers.batchNormalization({ axis: -1, ...config });
}
