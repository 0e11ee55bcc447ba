/**
 * One training step as the bench times it: forward in training mode, softmax cross-entropy summed over
 * the heads, gradients of every trainable weight, one SGD update; the loss is read back so the step
 * has finished (also on asynchronous backends).
 */
import * as tf from "@tensorflow/tfjs";

/** A step over a fixed synthetic batch. */
export interface TrainStep {
  run(): Promise<number>;
  dispose(): void;
}

/** Builds a step for `model` on a random batch of `batch` images of `size`×`size`. */
export function makeTrainStep(model: tf.LayersModel, batch: number, size: number): TrainStep {
  const xs = tf.randomUniform([batch, size, size, 3], 0, 1, "float32", 1);
  const ys = model.outputs.map((o, i) => {
    const classes = o.shape[o.shape.length - 1] as number;
    return tf.oneHot(
      tf.tensor1d(Array.from({ length: batch }, (_, b) => (b + i) % classes), "int32"),
      classes,
    );
  });
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.sgd(1e-3);
  return {
    async run() {
      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const out = model.apply(xs, { training: true }) as tf.Tensor | tf.Tensor[];
          const outs = Array.isArray(out) ? out : [out];
          return tf.addN(outs.map((p, i) => tf.losses.softmaxCrossEntropy(ys[i], p))) as tf.Scalar;
        }, vars);
        optimizer.applyGradients(grads);
        return value;
      });
      const v = (await loss.data())[0];
      loss.dispose();
      return v;
    },
    dispose() {
      tf.dispose([xs, ...ys]);
      optimizer.dispose();
    },
  };
}

/** Runs `warmup` untimed steps, then `steps` timed ones; returns milliseconds per step. */
export async function timeSteps(step: TrainStep, warmup: number, steps: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await step.run();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await step.run();
  return (performance.now() - t0) / steps;
}
