import type { LayerSpecInput } from "../schema/mod.ts";

/**
 * Layer builders: each returns a plain layer spec, exactly what a YAML file would spell.
 * `inputs` defaults to the previous entry; `"@in"` names the input of the enclosing list.
 *
 * @example
 * ```ts
 * const stem = [conv2d("conv1", { filters: 32, kernel: 3, strides: 2, padding: "same" }), batchnorm("bn1"), relu("relu1")];
 * ```
 */
type Opts<Op extends LayerSpecInput["op"]> = Omit<Extract<LayerSpecInput, { op: Op }>, "op" | "name">;

export const conv2d = (name: string, o: Opts<"conv2d">): LayerSpecInput => ({ op: "conv2d", name, ...o });
export const batchnorm = (name: string, o: Opts<"batchnorm"> = {}): LayerSpecInput => ({
  op: "batchnorm",
  name,
  ...o,
});
export const relu = (name: string, o: Omit<Opts<"activation">, "fn"> = {}): LayerSpecInput => ({
  op: "activation",
  name,
  fn: "relu",
  ...o,
});
export const maxpool = (name: string, o: Opts<"maxpool">): LayerSpecInput => ({ op: "maxpool", name, ...o });
export const zeropad = (name: string, o: Opts<"zeropad">): LayerSpecInput => ({ op: "zeropad", name, ...o });
export const add = (name: string, inputs: string[]): LayerSpecInput => ({ op: "add", name, inputs });
export const gap = (name: string, o: Opts<"gap"> = {}): LayerSpecInput => ({ op: "gap", name, ...o });
export const flatten = (name: string, o: Opts<"flatten"> = {}): LayerSpecInput => ({
  op: "flatten",
  name,
  ...o,
});
export const dense = (name: string, o: Opts<"dense">): LayerSpecInput => ({ op: "dense", name, ...o });
export const dropout = (name: string, o: Opts<"dropout">): LayerSpecInput => ({ op: "dropout", name, ...o });
