/**
 * The optimizer of a run (Adam) and its exact state for checkpoints: the moments from
 * `optimizer.getWeights()`, plus the running powers β₁ᵗ, β₂ᵗ. tfjs' `setWeights` recomputes those as
 * `pow(β, t+1)`, which differs in the last bits from the running product a live optimizer keeps, so
 * they are saved and put back to make a resumed run bit-identical.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { TrainConfig } from "../run/config.ts";
import { weightBytes } from "../run/model_files.ts";

/** The saved state of an Adam optimizer: weight specs and bytes as tfjs encodes them. */
export interface OptimizerState {
  specs: tf.io.WeightsManifestEntry[];
  data: Uint8Array;
  /** β₁ᵗ and β₂ᵗ as the live optimizer holds them (float32 values). */
  accBeta: [number, number];
}

/** The private fields of tfjs' AdamOptimizer that exact resume needs. */
interface AdamInternals {
  learningRate: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

const internals = (opt: tf.AdamOptimizer) => opt as unknown as AdamInternals;

/** Adam with the run's constants. */
export function createOptimizer(cfg: Pick<TrainConfig, "optimizer">): tf.AdamOptimizer {
  const o = cfg.optimizer;
  return tf.train.adam(o.lr, o.beta1, o.beta2, o.epsilon);
}

/** Sets the learning rate used by the next `applyGradients`. */
export function setLearningRate(opt: tf.AdamOptimizer, lr: number): void {
  internals(opt).learningRate = lr;
}

/** The learning rate the optimizer is using now. */
export function learningRate(opt: tf.AdamOptimizer): number {
  return internals(opt).learningRate;
}

/** Captures the optimizer's full state (iteration count, moments, β powers). */
export async function saveOptimizerState(opt: tf.AdamOptimizer): Promise<OptimizerState> {
  const weights = await opt.getWeights();
  const { data, specs } = await tf.io.encodeWeights(weights);
  tf.dispose(weights[0].tensor); // the iteration scalar is created for us; moments are live variables
  const i = internals(opt);
  return {
    specs,
    data: weightBytes(data),
    accBeta: [i.accBeta1.dataSync()[0], i.accBeta2.dataSync()[0]],
  };
}

/** Puts back a state captured by {@link saveOptimizerState}. */
export async function restoreOptimizerState(opt: tf.AdamOptimizer, state: OptimizerState): Promise<void> {
  const bytes = state.data.slice().buffer;
  const named = tf.io.decodeWeights(bytes, state.specs);
  const list = state.specs.map((s) => ({ name: s.name, tensor: named[s.name] }));
  await opt.setWeights(list);
  tf.dispose(Object.values(named));
  const i = internals(opt);
  tf.tidy(() => {
    i.accBeta1.assign(tf.scalar(state.accBeta[0]));
    i.accBeta2.assign(tf.scalar(state.accBeta[1]));
  });
}
