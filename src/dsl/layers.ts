import type { LayerOp, LayerSpecInput } from "../schema/mod.ts";

/**
 * Layer builders: each returns a plain layer spec, exactly what a YAML file would spell. The
 * options of each op come from its entry in the op table (src/ops), so a new op needs no builder:
 * `layer("newop", name, options)` is typed from the table.
 * `inputs` defaults to the previous entry; `"@in"` names the input of the enclosing list.
 *
 * @example
 * ```ts
 * const stem = [conv2d("conv1", { filters: 32, kernel: 3, strides: 2, padding: "same" }), batchnorm("bn1"), relu("relu1")];
 * ```
 */

/** The options of a layer op: every field of its spec but `op` and `name`. */
export type LayerOptions<Op extends LayerOp> = Omit<Extract<LayerSpecInput, { op: Op }>, "op" | "name">;

/** A builder for one op: options may be left out when none is required. */
export type LayerBuilder<Op extends LayerOp> = object extends LayerOptions<Op>
  ? (name: string, options?: LayerOptions<Op>) => LayerSpecInput
  : (name: string, options: LayerOptions<Op>) => LayerSpecInput;

/**
 * Any layer of the op table, by op.
 *
 * @example
 * ```ts
 * layer("dropout", "drop", { rate: 0.5 }); // { op: "dropout", name: "drop", rate: 0.5 }
 * ```
 */
export function layer<const Op extends LayerOp>(
  op: Op,
  name: string,
  options: LayerOptions<Op>,
): LayerSpecInput {
  return { op, name, ...options } as LayerSpecInput;
}

function builder<Op extends LayerOp>(op: Op): LayerBuilder<Op> {
  return ((name: string, options = {}) => layer(op, name, options as LayerOptions<Op>)) as LayerBuilder<Op>;
}

/** A 2-D convolution (`filters`, `kernel`; `strides`, `padding`, `useBias`, `activation`, `init`). */
export const conv2d: LayerBuilder<"conv2d"> = builder("conv2d");
/** Batch normalisation (`epsilon`, `momentum`). */
export const batchnorm: LayerBuilder<"batchnorm"> = builder("batchnorm");
/** 2-D max pooling (`pool`; `strides`, `padding`). */
export const maxpool: LayerBuilder<"maxpool"> = builder("maxpool");
/** Zero padding of height and width (`padding`). */
export const zeropad: LayerBuilder<"zeropad"> = builder("zeropad");
/** Global average pooling to a vector. */
export const gap: LayerBuilder<"gap"> = builder("gap");
/** Flattening to a vector. */
export const flatten: LayerBuilder<"flatten"> = builder("flatten");
/** A fully connected layer (`units`; `activation`, `init`). */
export const dense: LayerBuilder<"dense"> = builder("dense");
/** Dropout (`rate`). */
export const dropout: LayerBuilder<"dropout"> = builder("dropout");

/** A relu activation layer. */
export function relu(name: string, options: Omit<LayerOptions<"activation">, "fn"> = {}): LayerSpecInput {
  return layer("activation", name, { fn: "relu", ...options });
}

/** The sum of two or more layers of one shape (a residual join). */
export function add(name: string, inputs: string[]): LayerSpecInput {
  return layer("add", name, { inputs });
}
