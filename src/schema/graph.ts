import { z } from "zod";
import type { Input, Output } from "./zod_types.ts";
import { LayerEntry } from "./layer.ts";
import { HeadSpec } from "./head.ts";
import { TrainingSpec } from "./training.ts";
import { GraphName, HeadName } from "./names.ts";

export { GraphName, HeadName };

const graphSpec = z.strictObject({
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

/** @ignore The zod type of {@linkcode GraphSpec}. */
export type GraphSpecSchema = typeof graphSpec;

/**
 * A whole graph: input shape (height, width, channels), a shared trunk and named heads.
 * This schema is the one source of truth: TS graph files, YAML and JSON all end here.
 */
export const GraphSpec: GraphSpecSchema = graphSpec;
/** A graph as the schema returns it (defaults filled in). */
export type GraphSpec = Output<GraphSpecSchema>;
/** A graph as a graph may write it. */
export type GraphSpecInput = Input<GraphSpecSchema>;
