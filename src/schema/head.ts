import { z } from "zod";
import type { Input, Output } from "./zod_types.ts";
import { LayerEntry } from "./layer.ts";
import { EdgeSpec } from "./edge.ts";

const fc = z.union([
  z.number().int().positive(),
  z.strictObject({
    units: z.number().int().positive(),
    activation: z.enum(["relu", "tanh", "linear"]).default("relu"),
  }),
], { error: "expected a number of units or { units, activation }" });

const headSpec = z.strictObject({
  attribute: z.string().min(1).optional(),
  branch: z.array(LayerEntry).default([]),
  fc,
  classes: z.array(z.string().min(1)).min(2),
  lossWeight: z.number().nonnegative().default(1),
  dependsOn: z.record(z.string(), EdgeSpec).default({}),
  combine: z.enum(["concat", "mean"]).default("concat"),
});

/** @ignore The zod type of {@linkcode HeadSpec}. */
export type HeadSpecSchema = typeof headSpec;

/**
 * A task head: its own branch layers (after the shared trunk), an FC representation layer
 * (`<head>/fc`), a softmax classifier over `classes` (`<head>/out`), its loss weight λ, and edges
 * to the heads it depends on.
 *
 * `attribute` names the dataset column the head learns (CelebA `Smiling`, `Male`); class 0 is the
 * attribute's negative value (-1) and class 1 its positive value (+1).
 */
export const HeadSpec: HeadSpecSchema = headSpec;
/** A head as the schema returns it (defaults filled in). */
export type HeadSpec = Output<HeadSpecSchema>;
/** A head as a graph may write it. */
export type HeadSpecInput = Input<HeadSpecSchema>;
