/**
 * The table of ops, keyed by op: each entry holds the op's attributes (a zod shape), its shape and
 * parameter inference, and its lowering to a tfjs layer. The graph schema builds its layer specs
 * from this table, the IR types its nodes' attributes from it, and shape inference and lowering
 * dispatch through it; adding an op means adding one file here and one line below.
 *
 * No tfjs at run time: `lower` gets tfjs from the caller (see {@linkcode LowerKit}).
 *
 * @example
 * ```ts
 * import { opDef } from "./mod.ts";
 * opDef("dense").infer({ units: 10, activation: "softmax", init: "he_normal" }, [[64]], "x");
 * // { shape: [10], params: 650 }
 * ```
 * @module
 */
import type { Attrs, OpDef, OpRules } from "./op.ts";
import { conv2d } from "./conv2d.ts";
import { batchnorm } from "./batchnorm.ts";
import { activation } from "./activation.ts";
import { maxpool } from "./maxpool.ts";
import { zeropad } from "./zeropad.ts";
import { add } from "./add.ts";
import { gap } from "./gap.ts";
import { flatten } from "./flatten.ts";
import { dense } from "./dense.ts";
import { dropout } from "./dropout.ts";
import { attention } from "./attention.ts";
import { concat } from "./concat.ts";
import { mean } from "./mean.ts";

export type { Attrs, Inferred, LowerKit, OpDef, OpRules, Pair, Shape } from "./op.ts";
export { attention, contextField } from "./attention.ts";
export { activation, add, batchnorm, concat, conv2d, dense, dropout, flatten, gap, maxpool, mean, zeropad };

/** Ops a graph may write in a trunk or branch, in the order the schema lists them. */
export const LAYER_OPS = [
  conv2d,
  batchnorm,
  activation,
  maxpool,
  zeropad,
  add,
  gap,
  flatten,
  dense,
  dropout,
] as const;

/** Ops only heads and edges create. */
export const HEAD_OPS = [attention, concat, mean] as const;

/** @ignore The entries of the op table. */
export type OpDefs = (typeof LAYER_OPS)[number] | (typeof HEAD_OPS)[number];

/** Every op with a definition: layer ops and the ops heads and edges add. */
export type OpName = OpDefs["op"];

/** Every op's attributes, as parsed (defaults filled in), by op. */
export type OpAttrs = { [D in OpDefs as D["op"]]: Attrs<D["attrs"]> };

/** The attributes of `Op`, as parsed (defaults filled in). */
export type AttrsOf<Op extends OpName> = OpAttrs[Op];

const TABLE: ReadonlyMap<string, OpDef> = new Map(
  [...LAYER_OPS, ...HEAD_OPS].map((d) => [d.op, d as unknown as OpDef]),
);

/** The shape rule and lowering of `op`, typed by its attributes. */
export function opDef<Op extends OpName>(op: Op): OpRules<OpAttrs[Op]> {
  const def = TABLE.get(op);
  if (!def) throw new Error(`no op "${op}"`);
  return def as unknown as OpRules<OpAttrs[Op]>;
}
