import { z } from "zod";
import type { Input, Output, SchemaOf } from "./zod_types.ts";
import { LAYER_OPS, type OpDef } from "../ops/mod.ts";
import { LayerName } from "./names.ts";

/**
 * Layer specs: one zod schema per op, built from the op table (src/ops) and joined on `op`. A layer
 * takes its input from the previous entry of its list unless `inputs` names others; `"@in"` names
 * the list's own input (what came before a fragment), which is how a residual shortcut is written.
 */

type LayerDef = OpDef<string, z.ZodRawShape, z.ZodType<string[] | undefined>>;

/** The spec schema of one layer op: `op`, `name`, `inputs`, then the op's attributes. */
type SpecSchema<D> = D extends OpDef<infer Op, infer A, infer I> ? z.ZodObject<
    {
      [K in "op" | "name" | "inputs" | keyof A]: K extends "op" ? z.ZodLiteral<Op>
        : K extends "name" ? z.ZodString
        : K extends "inputs" ? I
        : A[K];
    },
    z.core.$strict
  >
  : never;

function specSchema(def: LayerDef) {
  const inputs = def.inputs ?? z.array(z.string()).min(1).optional();
  return z.strictObject({ op: z.literal(def.op), name: LayerName, inputs, ...def.attrs });
}

type SpecsOf<T extends readonly unknown[]> = { -readonly [K in keyof T]: SpecSchema<T[K]> };

/** @ignore The spec schemas of the layer ops, as a tuple (zod's discriminated union takes one). */
export type LayerSpecSchemas = z.ZodDiscriminatedUnion<SpecsOf<typeof LAYER_OPS>>;

/** Every layer a graph may spell out, one schema per op of the op table. */
export const LayerSpec: LayerSpecSchemas = z.discriminatedUnion(
  "op",
  LAYER_OPS.map((d) => specSchema(d as unknown as LayerDef)) as unknown as SpecsOf<typeof LAYER_OPS>,
);
/** A layer as the schema returns it (defaults filled in). */
export type LayerSpec = Output<typeof LayerSpec>;
/** A layer as a graph may write it (defaults optional). */
export type LayerSpecInput = Input<typeof LayerSpec>;
/** An op a graph may write in a trunk or branch. */
export type LayerOp = LayerSpec["op"];

const fragmentRef = z.looseObject({
  use: z.string().min(1),
});

/** @ignore The zod type of {@linkcode FragmentRef}. */
export type FragmentRefSchema = typeof fragmentRef;

/**
 * A reference to a stdlib fragment (`{ use: "resnet50", upTo: "conv5_block2_out" }`); the resolve
 * pass expands it into layers, and the fragment's own schema checks the arguments.
 */
export const FragmentRef: FragmentRefSchema = fragmentRef;
/** A fragment reference: `use` and the fragment's own arguments. */
export type FragmentRef = Output<FragmentRefSchema>;

const layerShorthand = z.enum(["gap", "flatten"]);

/** @ignore The zod type of {@linkcode LayerShorthand}. */
export type LayerShorthandSchema = typeof layerShorthand;

/** Shorthands for parameter-free layers in a branch: `"gap"`, `"flatten"`. */
export const LayerShorthand: LayerShorthandSchema = layerShorthand;

/** One entry of a trunk or branch list as a graph writes it: a shorthand, a fragment, or a layer. */
export type LayerEntry = LayerSpecInput | FragmentRef | Output<LayerShorthandSchema>;
/** One entry of a trunk or branch list once validated: layers have their defaults filled in. */
export type ParsedLayerEntry = LayerSpec | FragmentRef | Output<LayerShorthandSchema>;

/**
 * One entry of a trunk or branch list. The entry's shape picks the schema (string: shorthand;
 * `use`: fragment; otherwise a layer keyed on `op`), so errors speak of that schema alone rather
 * than of every member of a union. Parsed once: later passes take the result as it is.
 */
export const LayerEntry: SchemaOf<ParsedLayerEntry, LayerEntry> = z.unknown().transform(
  (value, ctx): ParsedLayerEntry => {
    const schema = typeof value === "string"
      ? LayerShorthand
      : value !== null && typeof value === "object" && "use" in value
      ? FragmentRef
      : LayerSpec;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data as ParsedLayerEntry;
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue } as never);
    return z.NEVER;
  },
) as unknown as SchemaOf<ParsedLayerEntry, LayerEntry>;
