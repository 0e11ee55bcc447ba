/**
 * The divergence guard. A step is not applied when its loss or global gradient norm is not finite or
 * the norm passes its limit, or when the gradient is exactly zero while the loss is not (every output
 * saturated: with a learning rate far too high the loss sits at its clipped value and nothing learns
 * again). A step after which a weight (batch-norm statistics included) passes its limit or is not
 * finite stops the run too. Either way the run stops with one line naming the cause and a `--resume`
 * command with a lower learning rate; its last checkpoint (saved before the bad step) is the last
 * good state. The limits are in `config.guard` (`--max-grad-norm`, `--max-weight`; 0 turns one off).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { GuardConfig } from "../run/config.ts";
import { UserError } from "../util/errors.ts";

/** What tripped the guard. */
export type DivergenceCause = "loss" | "gradient" | "saturated" | "weights";

/** A tripped guard: the cause, the value seen and the limit it passed. */
export interface Divergence {
  cause: DivergenceCause;
  value: number;
  /** The limit passed (Infinity when the value was not finite and the check is otherwise off). */
  limit: number;
}

/** The global L2 norm of a set of gradients: √(Σ‖g‖²) over all of them (read asynchronously). */
export async function globalNorm(grads: readonly tf.Tensor[]): Promise<number> {
  if (grads.length === 0) return 0;
  const norm = tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))));
  try {
    return (await norm.data())[0];
  } finally {
    norm.dispose();
  }
}

/** The largest |x| over a set of tensors; NaN when any value is NaN or infinite (read asynchronously). */
export async function maxAbs(tensors: readonly tf.Tensor[]): Promise<number> {
  if (tensors.length === 0) return 0;
  const m = tf.tidy(() => {
    const maxes = tensors.map((t) => tf.max(tf.abs(t)));
    // max() skips NaN on some backends: count non-finite values explicitly.
    const bad = tf.addN(tensors.map((t) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(t)), "float32"))));
    return tf.stack([tf.max(tf.stack(maxes)), bad]);
  });
  try {
    const [max, bad] = await m.data();
    return bad > 0 ? NaN : max;
  } finally {
    m.dispose();
  }
}

const over = (value: number, limit: number) => !Number.isFinite(value) || (limit > 0 && value > limit);

/** Below this a loss counts as fitted, so a zero gradient is not a saturated network. */
const FITTED_LOSS = 1e-3;

/** Checks a step's loss and gradient norm (NaN: not measured) before its update. */
export function checkStep(loss: number, gradNorm: number, limits: GuardConfig): Divergence | undefined {
  if (!Number.isFinite(loss)) return { cause: "loss", value: loss, limit: Infinity };
  if (Number.isNaN(gradNorm) && limits.maxGradNorm === 0) return undefined;
  if (over(gradNorm, limits.maxGradNorm)) {
    return { cause: "gradient", value: gradNorm, limit: limits.maxGradNorm || Infinity };
  }
  if (gradNorm === 0 && loss > FITTED_LOSS) return { cause: "saturated", value: loss, limit: 0 };
  return undefined;
}

/** Checks every weight after an update (batch-norm moving statistics too) against the limit. */
export async function checkWeights(
  model: tf.LayersModel,
  limits: GuardConfig,
): Promise<Divergence | undefined> {
  const largest = await maxAbs(model.weights.map((w) => w.read()));
  if (over(largest, limits.maxWeight)) {
    return { cause: "weights", value: largest, limit: limits.maxWeight || Infinity };
  }
  return undefined;
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toPrecision(3).replace(/\.?0+(e|$)/, "$1") : String(x));

/** A learning rate a tenth of `lr`, written short (`1e-4`). */
export function lowerLr(lr: number): string {
  return Number((lr / 10).toPrecision(2)).toString();
}

/** What a tripped guard says about its cause. */
export function describeDivergence(d: Divergence): string {
  switch (d.cause) {
    case "loss":
      return `the loss became ${d.value}`;
    case "gradient":
      return Number.isFinite(d.value)
        ? `the gradient norm reached ${fmt(d.value)}, over --max-grad-norm ${fmt(d.limit)}`
        : `the gradient norm became ${d.value}`;
    case "saturated":
      return `every output saturated: the loss sits at ${
        fmt(d.value)
      } with a gradient of exactly 0, so nothing ` +
        "learns any more";
    case "weights":
      return Number.isFinite(d.value)
        ? `a weight reached |w| = ${fmt(d.value)}, over --max-weight ${fmt(d.limit)}`
        : "a weight became NaN or infinite";
  }
}

/** Where and how a run diverged, for {@link DivergenceError}. */
export interface DivergenceStop {
  runDir: string;
  divergence: Divergence;
  epoch: number;
  /** Optimizer steps done before the bad one. */
  step: number;
  /** The last good checkpoint, if any. */
  checkpoint: string | null;
  /** The learning rate in use. */
  lr: number;
  /**
   * The bad step was the first after restoring `checkpoint`, and its gradient (not the update) was
   * bad: the checkpoint itself cannot be continued, whatever the learning rate.
   */
  checkpointUnusable?: boolean;
  /** The run's folder was removed (it held no checkpoint), so the same command may run again. */
  folderRemoved?: boolean;
}

/** A run stopped by the guard: one line with the cause, the last good checkpoint and how to go on. */
export class DivergenceError extends UserError {
  constructor(readonly stop: DivergenceStop) {
    const { runDir, divergence, epoch, step, checkpoint } = stop;
    const lower = lowerLr(stop.lr);
    const restart = `start a new run with a lower learning rate (e.g. --lr ${lower})`;
    let next: string;
    if (!checkpoint) {
      next = `No checkpoint was written yet${
        stop.folderRemoved ? " (the run's folder is removed)" : ""
      }: ${restart}`;
    } else if (stop.checkpointUnusable) {
      next =
        `This was the first step after ${checkpoint}, so that checkpoint is past recovery too: ${restart}`;
    } else {
      next = `Last good checkpoint: ${checkpoint}; continue from it with a lower learning rate: ` +
        `deno task train --resume ${runDir} --lr ${lower}`;
    }
    super(
      runDir,
      `training diverged in epoch ${epoch} at step ${step + 1}: ${describeDivergence(divergence)}; ` +
        `stopped without saving it. ${next}`,
    );
  }

  /** The last good checkpoint (null when none was written). */
  get checkpoint(): string | null {
    return this.stop.checkpoint;
  }
}
