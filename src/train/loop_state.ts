/**
 * Where the training loop stands, as a checkpoint's state.json records it: enough to continue a run
 * exactly (step, epoch, batch, the running sums of the epoch in progress, the best epoch so far).
 *
 * @module
 */
import { z } from "zod";

/** Running sums of the epoch in progress, so a resumed epoch reports what an uninterrupted one would. */
export const EpochSums = z.strictObject({
  lossSums: z.array(z.number()),
  correct: z.array(z.number()),
  /** Σ of the batches' total (λ-weighted) losses × their sizes. */
  weightedLoss: z.number(),
  count: z.number().int().min(0),
  /** Seconds spent on this epoch's steps so far. */
  seconds: z.number(),
});
/** Running sums of the epoch in progress. */
export type EpochSums = z.infer<typeof EpochSums>;

/** Where the loop stands: enough to continue exactly. */
export const LoopState = z.strictObject({
  /** Optimizer steps done. */
  step: z.number().int().min(0),
  /** 1-based epoch in progress (or about to start). */
  epoch: z.number().int().positive(),
  /** Next batch index within `epoch` (0: the epoch has not started). */
  batch: z.number().int().min(0),
  seed: z.number().int(),
  sums: EpochSums,
  /** Best mean validation accuracy so far and its epoch. */
  best: z.strictObject({ epoch: z.number().int().positive(), meanAccuracy: z.number() }).nullable(),
  /** Uncertainty loss weighting's learned log-variances s_h, by head order (absent for the others). */
  logVariance: z.array(z.number()).optional(),
});
/** Where the loop stands. */
export type LoopState = z.infer<typeof LoopState>;

/** Empty running sums for `heads` heads. */
export function emptySums(heads: number): EpochSums {
  return {
    lossSums: new Array(heads).fill(0),
    correct: new Array(heads).fill(0),
    weightedLoss: 0,
    count: 0,
    seconds: 0,
  };
}
