/**
 * Loss weighting beyond the paper's fixed λ (`--loss-weighting`, or `training.lossWeighting` in a
 * graph). With per-head mean cross-entropies L_h and the heads' λ_h:
 *
 * - `fixed` (the paper's): L = Σ_h λ_h·L_h.
 * - `uncertainty` (homoscedastic uncertainty, Kendall, Gal & Cipolla 2018, classification form):
 *   one learned log-variance s_h = log σ_h² per head, trained by the same optimizer as the model:
 *   L = Σ_h (λ_h·exp(−s_h)·L_h + s_h/2). s_h starts at 0 (weight λ_h); its gradient
 *   −λ_h·exp(−s_h)·L_h + ½ settles where the head's weighted loss is ½.
 * - `dwa` (dynamic weight average, Liu, Johns & Davison 2019, eq. 7): for epoch t ≥ 3,
 *   w_h = H·exp(r_h/T) / Σ_k exp(r_k/T) with r_h = L_h(t−1)/L_h(t−2), the ratio of the head's mean
 *   training losses over the two previous epochs, and T = 2; w_h = 1 for the first two epochs.
 *   L = Σ_h λ_h·w_h·L_h.
 *
 * A weighter's state is part of the loop state (uncertainty's log-variances, saved with each
 * checkpoint); DWA's weights follow from metrics.jsonl, so a resumed run repeats both exactly.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { HeadConfig } from "../run/config.ts";
import type { EpochRecord } from "../run/metrics.ts";
import { LOSS_WEIGHTINGS, type LossWeighting } from "../schema/mod.ts";

export { LOSS_WEIGHTINGS, type LossWeighting };

/** DWA's temperature, as in Liu et al. 2019. */
export const DWA_TEMPERATURE = 2;

/** What the training loop asks of a loss weighting. */
export interface LossWeighter {
  readonly kind: LossWeighting;
  /** Variables trained with the model, after its own in the optimizer's slots (uncertainty: s, shape [H]). */
  readonly variables: tf.Variable[];
  /**
   * The objective of one pass from its per-head mean cross-entropies [H], differentiated by the step.
   * Absent for `fixed`: the step's own Σ λ_h·L_h.
   */
  readonly objective?: (meanLosses: tf.Tensor1D) => tf.Scalar;
  /** Called before each epoch with the records of every earlier epoch of the run (DWA sets its weights). */
  startEpoch(history: readonly EpochRecord[]): void;
  /**
   * The weight each head's mean cross-entropy has now: λ_h, λ_h·exp(−s_h) or λ_h·w_h (asynchronous:
   * uncertainty reads its variable back from the backend).
   */
  weights(): Promise<number[]>;
  /** Uncertainty's log-variances s_h now (for metrics and checkpoints); undefined for the others. */
  logVariance(): Promise<number[] | undefined>;
  /** Frees the variables. */
  dispose(): void;
}

/**
 * DWA's weights (Liu et al. 2019, eq. 7) from the per-head mean training losses of the previous
 * epoch (`last`) and the one before it (`beforeLast`). (The first two epochs have weights 1.)
 */
export function dwaWeights(
  last: readonly number[],
  beforeLast: readonly number[],
  temperature = DWA_TEMPERATURE,
): number[] {
  const e = last.map((l, h) => Math.exp(l / beforeLast[h] / temperature));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => (last.length * v) / sum);
}

let created = 0;

/**
 * The weighter of `kind` for `heads`. `logVariance` restores uncertainty's state from a checkpoint
 * (default: zeros, i.e. every weight λ_h).
 */
export function createLossWeighter(
  kind: LossWeighting,
  heads: readonly HeadConfig[],
  logVariance?: readonly number[],
): LossWeighter {
  const lambda = heads.map((h) => h.lossWeight);
  switch (kind) {
    case "fixed":
      return {
        kind,
        variables: [],
        startEpoch() {},
        weights: () => Promise.resolve([...lambda]),
        logVariance: () => Promise.resolve(undefined),
        dispose() {},
      };
    case "dwa": {
      const ones = () => new Array(heads.length).fill(1);
      let w = ones();
      let wTensor = tf.tensor1d(lambda.map((l, h) => l * w[h]));
      return {
        kind,
        variables: [],
        objective: (m) => tf.sum(tf.mul(m, wTensor)),
        startEpoch(history) {
          const loss = (r: EpochRecord) => heads.map((h) => r.headLoss[h.name]);
          const [last, beforeLast] = [history.at(-1), history.at(-2)];
          w = last && beforeLast ? dwaWeights(loss(last), loss(beforeLast)) : ones();
          wTensor.dispose();
          wTensor = tf.tensor1d(lambda.map((l, h) => l * w[h]));
        },
        weights: () => Promise.resolve(lambda.map((l, h) => Math.fround(l * w[h]))),
        logVariance: () => Promise.resolve(undefined),
        dispose: () => wTensor.dispose(),
      };
    }
    case "uncertainty": {
      const initial = logVariance ?? new Array(heads.length).fill(0);
      if (initial.length !== heads.length) {
        throw new Error(`uncertainty weighting: ${initial.length} log-variances for ${heads.length} heads`);
      }
      // Unique per process: an experiment trains several runs, and tfjs names variables globally.
      const s = tf.variable(tf.tensor1d([...initial]), true, `loss_weighting/log_variance_${++created}`);
      const lambdaTensor = tf.tensor1d(lambda);
      const values = async () => Array.from(await s.data());
      return {
        kind,
        variables: [s],
        objective: (m) => tf.sum(tf.add(tf.mul(tf.mul(lambdaTensor, tf.exp(tf.neg(s))), m), tf.mul(s, 0.5))),
        startEpoch() {},
        weights: async () => (await values()).map((v, h) => Math.fround(lambda[h] * Math.exp(-v))),
        logVariance: values,
        dispose: () => tf.dispose([s, lambdaTensor]),
      };
    }
  }
}

/** Variables a loss weighting adds to the optimizer's (after the model's): uncertainty's log-variances. */
export function lossWeightingVariables(kind: string | undefined): number {
  return kind === "uncertainty" ? 1 : 0;
}
