/**
 * Batch normalisation as the compiler lowers it: Keras' `BatchNormalization` (same class name, config and
 * weights, so saved models load anywhere tfjs runs). In training mode on a backend with a fused kernel
 * (onednn) the batch statistics, the normalisation and — in the backward pass — all three gradients are
 * one kernel each, instead of tfjs' composed moments → normalise graph and its many-op gradient. The
 * moving statistics are updated exactly as the stock layer does.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { backendHasKernel, BATCH_NORM_TRAINING, batchNormTraining } from "./fused_kernels.ts";
import { stockLayerClass } from "./stock_class.ts";

/** What the lowering passes for a `batchnorm` node. */
export interface BatchNormConfig {
  name: string;
  axis?: number;
  epsilon?: number;
  momentum?: number;
}

type LayerVariable = tf.LayerVariable;
/** The stock layer's fields this one reads (private in tfjs-layers' typings). */
interface BatchNormFields {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: LayerVariable;
  beta: LayerVariable;
  movingMean: LayerVariable;
  movingVariance: LayerVariable;
}

const StockBatchNormalization = stockLayerClass(tf.layers.batchNormalization, {});

/** `BatchNormalization` with a fused training path; serialises as the stock class. */
class FusedTrainingBatchNormalization extends StockBatchNormalization {
  static className = "BatchNormalization";

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: tf.serialization.ConfigDict,
  ): tf.Tensor | tf.Tensor[] {
    const f = this as unknown as BatchNormFields;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const lastAxis = f.axis === -1 || f.axis === x.rank - 1;
    if (!kwargs["training"] || !lastAxis || !f.center || !f.scale || !backendHasKernel(BATCH_NORM_TRAINING)) {
      return super.call(inputs, kwargs);
    }
    return tf.tidy(() => {
      const [y, mean, variance] = batchNormTraining(
        x,
        f.gamma.read() as tf.Tensor1D,
        f.beta.read() as tf.Tensor1D,
        f.epsilon,
      );
      // As tfjs-layers: moving ← moving − (moving − batch)·(1 − momentum).
      for (const [variable, value] of [[f.movingMean, mean], [f.movingVariance, variance]] as const) {
        tf.tidy(() => {
          const orig = variable.read();
          variable.write(tf.sub(orig, tf.mul(tf.sub(orig, value), 1 - f.momentum)));
        });
      }
      return y;
    });
  }
}

/** The batch-norm layer of a lowered graph. */
export function batchNormalization(config: BatchNormConfig): tf.layers.Layer {
  return new FusedTrainingBatchNormalization({ axis: -1, ...config });
}
