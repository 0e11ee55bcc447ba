/**
 * The optimizer of a run (Adam) and its exact state for checkpoints: the moments from
 * `optimizer.getWeights()`, plus the running powers β₁ᵗ, β₂ᵗ. tfjs' `setWeights` recomputes those as
 * `pow(β, t+1)`, which differs in the last bits from the running product a live optimizer keeps, so
 * they are saved and put back to make a resumed run bit-identical.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { ADAM_UPDATE, type AdamUpdateAttrs, backendHasKernel } from "../layers/fused_kernels.ts";
import type { TrainConfig } from "../run/config.ts";
import { weightBytes } from "../run/model_files.ts";

/** The saved state of an Adam optimizer: weight specs and bytes as tfjs encodes them. */
export interface OptimizerState {
  specs: tf.io.WeightsManifestEntry[];
  data: Uint8Array;
  /** β₁ᵗ and β₂ᵗ as the live optimizer holds them (float32 values). */
  accBeta: [number, number];
}

/** The private fields of tfjs' AdamOptimizer that exact resume and the fused update need. */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

const internals = (opt: tf.AdamOptimizer) => opt as unknown as AdamInternals;

/**
 * tfjs' Adam, with each variable's update as one fused kernel where the backend has one (onednn):
 * the same state (moments, β powers, iterations), so checkpoints and `getWeights` are unchanged, and the
 * same float32 results as the composed update. The β powers go to the kernel as tensors, so the update
 * never reads a value back (a backend without synchronous reads, such as WebGPU in Deno, could have it).
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer["applyGradients"]>[0]): void {
    if (!backendHasKernel(ADAM_UPDATE)) return super.applyGradients(variableGradients);
    const self = internals(this);
    const list = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const attrs: AdamUpdateAttrs = {
      learningRate: self.learningRate,
      beta1: self.beta1,
      beta2: self.beta2,
      epsilon: self.epsilon,
    };
    const [accBeta1, accBeta2] = [self.accBeta1, self.accBeta2];
    tf.tidy(() => {
      list.forEach(({ name, tensor: gradient }, i) => {
        const value = tf.engine().registeredVariables[name];
        const moment = (slot: "m" | "v") => ({
          originalName: `${name}/${slot}`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        });
        self.accumulatedFirstMoment[i] ??= moment("m");
        self.accumulatedSecondMoment[i] ??= moment("v");
        if (gradient == null) return;
        const m = self.accumulatedFirstMoment[i]!.variable, v = self.accumulatedSecondMoment[i]!.variable;
        const [w1, m1, v1] = tf.engine().runKernel(
          ADAM_UPDATE,
          { value, gradient, m, v, accBeta1, accBeta2 } as unknown as tf.NamedTensorMap,
          attrs as unknown as tf.NamedAttrMap,
        ) as tf.Tensor[];
        m.assign(m1);
        v.assign(v1);
        value.assign(w1);
      });
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    self.incrementIterations();
  }
}

/** Adam with the run's constants. */
export function createOptimizer(cfg: Pick<TrainConfig, "optimizer">): tf.AdamOptimizer {
  const o = cfg.optimizer;
  return new FusedAdamOptimizer(o.lr, o.beta1, o.beta2, o.epsilon);
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
    accBeta: [(await i.accBeta1.data())[0], (await i.accBeta2.data())[0]],
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
