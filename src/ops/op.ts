/**
 * What one op is, in one place: the attributes a graph may give it (a zod shape, so the attribute
 * type is inferred), how its output shape and parameter count follow from its inputs, and how it
 * lowers to a tfjs layer.
 *
 * Lowering receives tfjs from its caller (`LowerKit`): this package imports tfjs' types only (through
 * src/layers, erased at run time), so the schema, the DSL and the compiler's checks run without
 * loading TensorFlow.js.
 *
 * @module
 */
import type { z } from "zod";
import type { batchNormalization, conv2d, Layer, taskAttention, Tfjs } from "../layers/mod.ts";
import { UserError } from "../util/errors.ts";

/** A tensor shape without the batch dimension: [h, w, c] for images, [units] for vectors. */
export type Shape = number[];

/** An op's output shape (without the batch dimension) and its parameter count (Keras' convention). */
export interface Inferred {
  shape: Shape;
  params: number;
}

/** The tfjs API and the project's own layers, handed to `lower` by the compiler's lowering pass. */
export interface LowerKit {
  /** The `@tensorflow/tfjs` module. */
  tf: Tfjs;
  /** Batch normalisation as the project lowers it (src/layers/batch_norm.ts). */
  batchNormalization: typeof batchNormalization;
  /** The convolution layer as the project lowers it (src/layers/conv2d.ts). */
  conv2d: typeof conv2d;
  /** The task-attention layer factory (src/layers/task_attention.ts). */
  taskAttention: typeof taskAttention;
}

/** What an op does with attributes of type `A`: infer its output, and lower to a tfjs layer. */
export interface OpRules<A> {
  /** Output shape and parameter count; throws a UserError naming `where` for inputs it cannot take. */
  infer(attrs: A, inputs: Shape[], where: string): Inferred;
  /** The tfjs layer for one node named `name`. */
  lower(attrs: A, name: string, kit: LowerKit): Layer;
}

/**
 * One op of the IR. `attrs` is the zod shape of its attributes (defaults included); `Attrs` is
 * what parsing it yields, and what `infer` and `lower` receive.
 */
export interface OpDef<
  Op extends string = string,
  A extends z.ZodRawShape = z.ZodRawShape,
  I extends z.ZodType<string[] | undefined> = DefaultInputs,
> extends OpRules<Attrs<A>> {
  /** The op's name in graphs and in the IR. */
  op: Op;
  /** Attribute fields, in the order the IR stores them. */
  attrs: A;
  /**
   * The `inputs` field of a graph layer, when it differs from the default (optional, at least one
   * name); only for ops a graph may spell out (`layer: true`).
   */
  inputs?: I;
  /** Whether graphs may write this op in a trunk or branch (the others are added by heads and edges). */
  layer: boolean;
}

/** @ignore The attribute values an attribute shape parses to. */
export type Attrs<A extends z.ZodRawShape> = z.output<z.ZodObject<A>>;

/** The `inputs` field of a graph layer unless its op says otherwise: optional, at least one name. */
export type DefaultInputs = z.ZodOptional<z.ZodArray<z.ZodString>>;

/** Declares an op with its attribute type inferred from its zod shape. */
export function defineOp<
  const Op extends string,
  A extends z.ZodRawShape,
  I extends z.ZodType<string[] | undefined> = DefaultInputs,
>(def: OpDef<Op, A, I>): OpDef<Op, A, I> {
  return def;
}

/** A size or a [height, width] pair, as Keras takes kernel sizes, strides and paddings. */
export type Pair = number | [number, number];

/** Both halves of a {@linkcode Pair}. */
export const pair = (p: Pair): [number, number] => (typeof p === "number" ? [p, p] : p);

/** A shape as error messages show it: `(batch, 16, 16, 8)`. */
export const showShape = (s: Shape): string => `(batch, ${s.join(", ")})`;

/** Checks a layer's input rank, naming the fix a user most likely wants. */
export function needRank(op: string, s: Shape, rank: number, where: string, fix = ""): void {
  if (s.length !== rank) {
    throw new UserError(
      where,
      `${op} needs a ${rank + 1}-D input; got ${s.length + 1}-D ${showShape(s)}${fix}`,
    );
  }
}

/** All inputs of an elementwise op must have one shape. */
export function needSameShapes(op: string, inputs: Shape[], where: string): void {
  for (const s of inputs) {
    if (s.join() !== inputs[0].join()) {
      throw new UserError(
        where,
        `${op} needs inputs of one shape; got ${inputs.map(showShape).join(" and ")}`,
      );
    }
  }
}

/** Output length of a sliding window of size `k` and stride `s` over `n` (Keras' "same"/"valid"). */
export function windowOut(n: number, k: number, s: number, padding: string, where: string): number {
  const out = padding === "same" ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
  if (out < 1) {
    throw new UserError(where, `window ${k} does not fit input size ${n}; the input is too small here`);
  }
  return out;
}

/** Graph spelling of an initializer → tfjs' name. */
export const INITIALIZERS = { he_normal: "heNormal", glorot_uniform: "glorotUniform" } as const;
