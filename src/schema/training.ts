import { z } from "zod";
import type { Input, Output } from "./zod_types.ts";

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
});

/** @ignore The zod type of {@linkcode TrainingSpec}. */
export type TrainingSpecSchema = typeof trainingSpec;

/**
 * Training protocol; every field defaults to the paper's (Adam, lr 1e-3 then 1e-4 after epoch 25,
 * batch 64, horizontal flips and shifts). Graph files and command-line flags override fields.
 */
export const TrainingSpec: TrainingSpecSchema = trainingSpec;
/** A training protocol as the schema returns it (defaults filled in). */
export type TrainingSpec = Output<TrainingSpecSchema>;
/** A training protocol as a graph may write it. */
export type TrainingSpecInput = Input<TrainingSpecSchema>;
