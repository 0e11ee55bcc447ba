import { z } from "zod";
import { LayerEntry } from "./layer.ts";
import { HeadSpec } from "./head.ts";
import { TrainingSpec } from "./training.ts";

export const GraphName = z.string().regex(/^[a-z][a-z0-9_]*$/, "graph names are lower_snake_case");
export const HeadName = z.string().regex(/^[a-z][a-z0-9_]*$/, "head names are lower_snake_case");

/**
 * A whole graph: input shape (height, width, channels), a shared trunk and named heads.
 * This schema is the one source of truth: TS graph files, YAML and JSON all end here.
 */
export const GraphSpec = z.strictObject({
  name: GraphName,
  description: z.string().optional(),
  input: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
  trunk: z.array(LayerEntry).min(1),
  heads: z.record(HeadName, HeadSpec).refine(
    (h) => Object.keys(h).length > 0,
    "a graph needs at least one head",
  ),
  training: TrainingSpec.default(TrainingSpec.parse({})),
});
export type GraphSpec = z.infer<typeof GraphSpec>;
export type GraphSpecInput = z.input<typeof GraphSpec>;
