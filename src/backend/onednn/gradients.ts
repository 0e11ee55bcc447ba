/**
 * Gradients for the fused kernels, and ReLU's gradient as one kernel on backends that have it.
 *
 * tfjs keeps one gradient per kernel name for all backends, so ReLU's stock gradient is wrapped, not
 * replaced: on a backend without {@link RELU_GRAD} it runs unchanged.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs"; // registers the stock gradients this module wraps
import { releaseWithNode } from "../backprop_memory.ts";
import {
  backendHasKernel,
  BATCH_NORM_TRAINING,
  BATCH_NORM_TRAINING_GRAD,
  CONV2D_BIAS,
  CONV2D_BIAS_FILTER_GRAD,
  type Conv2DBiasAttrs,
  RELU_GRAD,
} from "../../layers/fused_kernels.ts";

const MARK = Symbol.for("mtlgraph.fusedGradient");

function runKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: tf.NamedAttrMap = {}) {
  return tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs);
}

/** Registers the gradients once per process (idempotent). */
export function registerFusedGradients(): void {
  if (!tf.getGradient(CONV2D_BIAS)) {
    tf.registerGradient({
      kernelName: CONV2D_BIAS,
      inputsToSave: ["x", "filter"],
      // Lazy: tfjs calls only the thunks of inputs on the path to the variables.
      gradFunc: (dy, saved, attrs) => {
        const [x, filter] = saved;
        const g = dy as tf.Tensor;
        const { strides, pad } = attrs as unknown as Conv2DBiasAttrs;
        const conv = { strides, pad, dataFormat: "NHWC" };
        // The filter's gradient brings the bias's with it (one pass over dy); kept for the bias thunk,
        // which tfjs calls next, and freed with this node if it does not (a frozen bias).
        let biasGrad: tf.Tensor | undefined;
        return {
          x: () =>
            runKernel(tf.Conv2DBackpropInput, { dy: g, filter }, {
              ...conv,
              inputShape: x.shape,
            }) as tf.Tensor,
          filter: () => {
            const [dw, db] = runKernel(CONV2D_BIAS_FILTER_GRAD, { x, dy: g }, {
              ...conv,
              filterShape: filter.shape,
            }) as tf.Tensor[];
            if (releaseWithNode(tf.keep(db))) biasGrad = db;
            else db.dispose();
            return dw;
          },
          bias: () => {
            const db = biasGrad;
            biasGrad = undefined;
            return db && !db.isDisposed ? db : tf.sum(g, [0, 1, 2]);
          },
        };
      },
    });
  }
  const stockRelu = tf.getGradient(tf.Relu) as tf.GradConfig & { [MARK]?: true };
  if (stockRelu && !stockRelu[MARK]) {
    tf.registerGradient({
      ...stockRelu,
      [MARK]: true,
      gradFunc: (dy, saved, attrs) => {
        if (!backendHasKernel(RELU_GRAD)) return stockRelu.gradFunc(dy, saved, attrs);
        return { x: () => runKernel(RELU_GRAD, { dy: dy as tf.Tensor, x: saved[0] }) as tf.Tensor };
      },
    } as tf.GradConfig);
  }
  if (!tf.getGradient(BATCH_NORM_TRAINING)) {
    tf.registerGradient({
      kernelName: BATCH_NORM_TRAINING,
      inputsToSave: ["x", "scale"],
      outputsToSave: [false, true, true],
      gradFunc: (dys, saved, attrs) => {
        const [x, scale, mean, variance] = saved;
        const dy = (dys as tf.Tensor[])[0];
        // All three at once, here rather than in the thunks: tfjs runs each thunk in its own tidy, and
        // unused results are freed by the tidy around the whole backward pass.
        const [dx, dScale, dOffset] = runKernel(BATCH_NORM_TRAINING_GRAD, { dy, x, scale, mean, variance }, {
          epsilon: (attrs as { epsilon: number }).epsilon,
        }) as tf.Tensor[];
        return { x: () => dx, scale: () => dScale, offset: () => dOffset };
      },
    });
  }
}
