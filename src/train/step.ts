/**
 * One optimizer step of the custom training loop: forward and backward passes over micro-batches
 * (layers in training mode, so batch-norm uses batch statistics and updates its moving mean and
 * variance), gradients averaged by `accumulateGradients` (each pass weighted by its size), the loss
 * checked for NaN/∞ — and, given the guard's limits, the global gradient norm before the update and
 * the weights after it (see guard.ts) — then one `applyGradients`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readTensors } from "../backend/read.ts";
import { accumulateGradients, type MicroBatch } from "./accumulate.ts";
import { headOutputs } from "../eval/cross_entropy.ts";
import type { GuardConfig, HeadConfig } from "../run/config.ts";
import { checkStep, checkWeights, type Divergence, globalNorm } from "./guard.ts";
import { lossTerms } from "./loss.ts";
import { deriveSeed, withSeededRandom } from "./rng.ts";

/** What a step needs of a batch (the data layer's `Batch` fits). */
export interface StepBatch {
  count: number;
  size: number;
  /** `count*size*size*3` floats, NHWC. */
  x: Float32Array;
  labels: Record<string, Int32Array>;
}

/** What one step did. */
export interface StepResult {
  /** The batch's objective before the update: Σ λ_h · mean CE_h, or the loss weighting's (loss_weighting.ts). */
  loss: number;
  /** Per head: summed cross-entropy over the batch. */
  lossSums: number[];
  /** Per head: correctly classified examples. */
  correct: number[];
  count: number;
  /** False when the loss was NaN or infinite; then no update was applied. */
  finite: boolean;
  /** Global L2 norm of the step's gradient (NaN when not measured: no limits given, or a non-finite loss). */
  gradNorm: number;
  /**
   * Set when the guard tripped (only with limits): for `loss` and `gradient` no update was applied;
   * for `weights` the update was applied and the weights are not to be saved.
   */
  divergence?: Divergence;
}

/** What a step may do besides the paper's protocol (both come from the run's config; see loop.ts). */
export interface StepOptions {
  /** The objective from per-head mean cross-entropies [H] (a loss weighting); default Σ λ_h·CE_h. */
  objective?: (meanLosses: tf.Tensor1D) => tf.Scalar;
  /** Variables trained with the model, after its own in the optimizer's slots (uncertainty's log-variances). */
  extraVariables?: tf.Variable[];
  /**
   * Names of the model variables this step updates (the warm-up of a warm-started graph's new layers);
   * the others get no gradient and keep their values. Default: all.
   */
  updates?: ReadonlySet<string>;
  /** The divergence guard's limits (see guard.ts); without, only a non-finite loss stops an update. */
  limits?: GuardConfig;
}

/** The variables a model trains, in the model's weight order (which fixes the optimizer's slot order). */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/**
 * Runs one optimizer step on `batch`, split into passes of at most `microBatch` examples.
 * In-model randomness (dropout) is drawn from a stream seeded by `stepSeed`, so a resumed run
 * repeats it exactly. `options` add a loss weighting, restrict which variables train, and with `limits`
 * the divergence guard checks the step (see guard.ts); without, only a non-finite loss holds the update
 * back. Every value it reads (losses, per-head sums, the guard's norms) is read asynchronously after the
 * gradients are computed, so it runs on backends without a synchronous read (WebGPU in Deno).
 */
export async function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  heads: readonly HeadConfig[],
  batch: StepBatch,
  microBatch: number,
  stepSeed: number,
  options: StepOptions = {},
): Promise<StepResult> {
  // Every variable keeps its optimizer slot; only those in `differentiated` get a gradient.
  const vars = [...trainableVariables(model), ...options.extraVariables ?? []];
  const updates = options.updates;
  const differentiated = updates
    ? vars.filter((v) => updates.has(v.name) || options.extraVariables?.includes(v))
    : vars;
  const px = batch.size * batch.size * 3;
  /** Each pass's per-head loss sums and correct counts, kept until read after the passes. */
  const passTerms: tf.Tensor1D[] = [];
  let pass = 0;
  /** Micro-batch tensors, made one pass at a time and disposed when the next is made. */
  function* micro(): Generator<MicroBatch> {
    for (let start = 0; start < batch.count; start += microBatch) {
      const m = Math.min(microBatch, batch.count - start);
      const xs = tf.tensor4d(batch.x.subarray(start * px, (start + m) * px), [m, batch.size, batch.size, 3]);
      const ys = heads.map((h) => tf.tensor1d(batch.labels[h.name].subarray(start, start + m), "int32"));
      try {
        yield { xs, ys };
      } finally {
        tf.dispose([xs, ...ys]);
      }
    }
  }
  const lossFn = (xs: tf.Tensor | tf.Tensor[], ys: tf.Tensor | tf.Tensor[]): tf.Scalar => {
    const x = xs as tf.Tensor4D;
    // In-model randomness (dropout) of pass k comes from its own seeded stream.
    const out = withSeededRandom(deriveSeed(stepSeed, pass++), () => model.apply(x, { training: true }));
    const terms = lossTerms(
      headOutputs(out as tf.Tensor | tf.Tensor[]),
      ys as tf.Tensor1D[],
      heads,
      x.shape[0],
      options.objective,
    );
    passTerms.push(tf.keep(terms.lossSums), tf.keep(terms.correct));
    return terms.total;
  };
  const { grads, loss } = await accumulateGradients(lossFn, differentiated, micro()).catch((e) => {
    tf.dispose(passTerms);
    throw e;
  });
  const limits = options.limits;
  try {
    const { lossSums, correct } = await sumPassTerms(passTerms, heads.length);
    const finite = Number.isFinite(loss);
    const result: StepResult = { loss, lossSums, correct, count: batch.count, finite, gradNorm: NaN };
    const gradList = Object.values(grads);
    if (limits && finite && gradList.length) result.gradNorm = await globalNorm(gradList);
    result.divergence = limits ? checkStep(loss, result.gradNorm, limits) : undefined;
    if (finite && !result.divergence) {
      // Every variable keeps its slot (index) in the optimizer, with or without a gradient.
      optimizer.applyGradients(vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
      if (limits) result.divergence = await checkWeights(model, limits);
    }
    if (!result.divergence) delete result.divergence;
    return result;
  } finally {
    tf.dispose([...Object.values(grads), ...passTerms]);
  }
}

/** Per head, the passes' loss sums and correct counts added up in pass order (`terms`: sums, correct, …). */
async function sumPassTerms(
  terms: readonly tf.Tensor1D[],
  heads: number,
): Promise<{ lossSums: number[]; correct: number[] }> {
  const values = await readTensors(terms);
  const lossSums = new Array(heads).fill(0);
  const correct = new Array(heads).fill(0);
  for (let k = 0; k < values.length; k += 2) {
    for (let i = 0; i < heads; i++) {
      lossSums[i] += values[k][i];
      correct[i] += values[k + 1][i];
    }
  }
  return { lossSums, correct };
}
