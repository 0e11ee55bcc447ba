import { z } from "zod";
import { LayerEntry } from "./layer.ts";
import { EdgeSpec } from "./edge.ts";

const fc = z.union([
  z.number().int().positive(),
  z.strictObject({
    units: z.number().int().positive(),
    activation: z.enum(["relu", "tanh", "linear"]).default("relu"),
  }),
], { error: "expected a number of units or { units, activation }" });

/**
 * A task head: its own branch layers (after the shared trunk), an FC representation layer
 * (`<head>/fc`), a softmax classifier over `classes` (`<head>/out`), its loss weight λ, and edges
 * to the heads it depends on.
 *
 * `attribute` names the dataset column the head learns (CelebA `Smiling`, `Male`); class 0 is the
 * attribute's negative value (-1) and class 1 its positive value (+1).
 */
export const HeadSpec = z.strictObject({
  attribute: z.string().min(1).optional(),
  branch: z.array(LayerEntry).default([]),
  fc,
  classes: z.array(z.string().min(1)).min(2),
  lossWeight: z.number().nonnegative().default(1),
  dependsOn: z.record(z.string(), EdgeSpec).default({}),
  combine: z.enum(["concat", "mean"]).default("concat"),
});
export type HeadSpec = z.infer<typeof HeadSpec>;
export type HeadSpecInput = z.input<typeof HeadSpec>;
