import { z } from "zod";
import type { Input, Output } from "./zod_types.ts";

/**
 * How the heads' losses are weighted (the paper fixes λ): `"fixed"` (Σ λ_h L_h, the paper's),
 * `"uncertainty"` (homoscedastic uncertainty, Kendall et al. 2018: a learned log-variance per head)
 * or `"dwa"` (dynamic weight average, Liu et al. 2019: weights from the last two epochs' losses).
 * The math is in src/train/loss_weighting.ts.
 */
export const LOSS_WEIGHTINGS = ["fixed", "uncertainty", "dwa"] as const;
/** One of {@link LOSS_WEIGHTINGS}. */
export type LossWeighting = (typeof LOSS_WEIGHTINGS)[number];

const trainingSpec = z.strictObject({
  epochs: z.number().int().positive().default(30),
  batchSize: z.number().int().positive().default(64),
  optimizer: z.strictObject({
    kind: z.literal("adam").default("adam"),
    lr: z.number().positive().default(1e-3),
  }).default({ kind: "adam", lr: 1e-3 }),
  /** Learning rate steps: from `afterEpoch` on (1-based epochs completed), use `lr`. */
  schedule: z.array(z.strictObject({ afterEpoch: z.number().int().nonnegative(), lr: z.number().positive() }))
    .default([{ afterEpoch: 25, lr: 1e-4 }]),
  augment: z.strictObject({
    flip: z.boolean().default(true),
    /** Largest shift as a fraction of width/height, drawn uniformly per image. */
    shift: z.number().min(0).max(0.5).default(0.1),
  }).default({ flip: true, shift: 0.1 }),
  /** Absent means `"fixed"` (left out, not defaulted, so graphs that do not set it keep their IR). */
  lossWeighting: z.enum(LOSS_WEIGHTINGS).optional(),
});

/** @ignore The zod type of {@linkcode TrainingSpec}. */
export type TrainingSpecSchema = typeof trainingSpec;

/**
 * Training protocol; every field defaults to the paper's (Adam, lr 1e-3 then 1e-4 after epoch 25,
 * batch 64, horizontal flips and shifts, fixed loss weights λ). Graph files and command-line flags
 * override fields.
 */
export const TrainingSpec: TrainingSpecSchema = trainingSpec;
/** A training protocol as the schema returns it (defaults filled in). */
export type TrainingSpec = Output<TrainingSpecSchema>;
/** A training protocol as a graph may write it. */
export type TrainingSpecInput = Input<TrainingSpecSchema>;
