import type { z } from "zod";
import type { LayerSpecInput, Schema } from "../src/schema/mod.ts";

/**
 * A reusable piece of graph, written in the DSL: a function from checked arguments to layers.
 * Graph files refer to it as data (`{ use: "resnet50", upTo: "conv5_block2_out" }`), so YAML and
 * TypeScript graphs share the stdlib.
 */
export interface Fragment {
  /** One line for error messages and docs. */
  describe: string;
  /** Checks the reference's arguments (every field but `use`). */
  args: Schema;
  /** The layers this fragment stands for; `"@in"` is the fragment's input. Takes `args`' output. */
  expand(args: never): LayerSpecInput[];
}

/** Declares a fragment with its argument type inferred from its schema. */
export function fragment<S extends z.ZodType>(
  f: { describe: string; args: S; expand(args: z.infer<S>): LayerSpecInput[] },
): Fragment {
  return f;
}
