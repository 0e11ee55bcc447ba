import { z } from "zod";

/**
 * Layer specs: one zod schema per op, joined on `op`. A layer takes its input from the previous
 * entry of its list unless `inputs` names others; `"@in"` names the list's own input (what came
 * before a fragment), which is how a residual shortcut is written.
 */

const name = z.string().regex(
  /^[A-Za-z][A-Za-z0-9_.-]*$/,
  "names are letters, digits, _ . - and start with a letter",
);
const pair = z.union([
  z.number().int().positive(),
  z.tuple([z.number().int().positive(), z.number().int().positive()]),
], { error: "expected a positive whole number or a pair [height, width]" });
const common = { name, inputs: z.array(z.string()).min(1).optional() };

export const Conv2dSpec = z.strictObject({
  op: z.literal("conv2d"),
  ...common,
  filters: z.number().int().positive(),
  kernel: pair,
  strides: pair.default(1),
  padding: z.enum(["same", "valid"]).default("valid"),
  useBias: z.boolean().default(true),
  activation: z.enum(["linear", "relu"]).default("linear"),
  init: z.enum(["he_normal", "glorot_uniform"]).default("he_normal"),
});

export const BatchNormSpec = z.strictObject({
  op: z.literal("batchnorm"),
  ...common,
  epsilon: z.number().positive().default(1.001e-5),
  momentum: z.number().min(0).max(1).default(0.99),
});

export const ActivationSpec = z.strictObject({
  op: z.literal("activation"),
  ...common,
  fn: z.enum(["relu", "tanh", "sigmoid", "linear"]),
});

export const MaxPoolSpec = z.strictObject({
  op: z.literal("maxpool"),
  ...common,
  pool: pair,
  strides: pair.optional(),
  padding: z.enum(["same", "valid"]).default("valid"),
});

export const ZeroPadSpec = z.strictObject({ op: z.literal("zeropad"), ...common, padding: pair });

export const AddSpec = z.strictObject({
  op: z.literal("add"),
  ...common,
  inputs: z.array(z.string()).min(2),
});

export const GlobalAvgPoolSpec = z.strictObject({ op: z.literal("gap"), ...common });
export const FlattenSpec = z.strictObject({ op: z.literal("flatten"), ...common });

export const DenseSpec = z.strictObject({
  op: z.literal("dense"),
  ...common,
  units: z.number().int().positive(),
  activation: z.enum(["linear", "relu", "tanh", "softmax"]).default("linear"),
  init: z.enum(["he_normal", "glorot_uniform"]).default("he_normal"),
});

export const DropoutSpec = z.strictObject({
  op: z.literal("dropout"),
  ...common,
  rate: z.number().min(0).lt(1),
});

/** Every layer a graph may spell out. */
export const LayerSpec = z.discriminatedUnion("op", [
  Conv2dSpec,
  BatchNormSpec,
  ActivationSpec,
  MaxPoolSpec,
  ZeroPadSpec,
  AddSpec,
  GlobalAvgPoolSpec,
  FlattenSpec,
  DenseSpec,
  DropoutSpec,
]);
export type LayerSpec = z.infer<typeof LayerSpec>;
export type LayerSpecInput = z.input<typeof LayerSpec>;
export type LayerOp = LayerSpec["op"];

/**
 * A reference to a stdlib fragment (`{ use: "resnet50", upTo: "conv5_block2_out" }`); the resolve
 * pass expands it into layers, and the fragment's own schema checks the arguments.
 */
export const FragmentRef = z.looseObject({ use: z.string().min(1) });
export type FragmentRef = z.infer<typeof FragmentRef>;

/** Shorthands for parameter-free layers in a branch: `"gap"`, `"flatten"`. */
export const LayerShorthand = z.enum(["gap", "flatten"]);

/**
 * One entry of a trunk or branch list, before resolution. The entry's shape picks the schema
 * (string: shorthand; `use`: fragment; otherwise a layer keyed on `op`), so errors speak of
 * that schema alone rather than of every member of a union.
 */
export const LayerEntry = z.unknown().transform((value, ctx): LayerEntry => {
  const schema = typeof value === "string"
    ? LayerShorthand
    : value !== null && typeof value === "object" && "use" in value
    ? FragmentRef
    : LayerSpec;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as LayerEntry;
  for (const issue of parsed.error.issues) ctx.addIssue({ ...issue } as never);
  return z.NEVER;
});
export type LayerEntry = LayerSpecInput | FragmentRef | z.infer<typeof LayerShorthand>;
