import type { LayersModel } from "../layers/mod.ts";
import { type Compiled, compileFile, type CompileOptions } from "./mod.ts";
import { lowerToModel } from "./lower.ts";

/**
 * Loads, compiles and lowers a graph file in one call: what training, evaluation and benchmarks use.
 *
 * @example
 * ```ts
 * const { model, ir } = await compileGraphFile("examples/small_attention_mtl.ts", { inputSize: 64 });
 * ```
 */
export async function compileGraphFile(
  path: string,
  options: CompileOptions = {},
): Promise<Compiled & { model: LayersModel }> {
  const compiled = await compileFile(path, options);
  return { ...compiled, model: lowerToModel(compiled.ir) };
}
