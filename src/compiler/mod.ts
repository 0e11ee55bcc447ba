/**
 * The compiler: load → resolve → check → IR. Lowering to tfjs lives in `lower.ts` so that checking
 * a graph never loads TensorFlow.js.
 *
 * @example
 * ```ts
 * import { compileFile } from "./src/compiler/mod.ts";
 * const { ir } = await compileFile("graphs/attention_mtl.ts");
 * console.log(ir.totalParams); // 28322308
 * ```
 * @module
 */
import type { GraphSpec } from "../schema/mod.ts";
import { parseGraphSpec } from "../schema/mod.ts";
import { buildIR, type IR } from "./ir.ts";
import { loadGraphFile } from "./load.ts";
import { resolveGraph } from "./resolve.ts";

export type { IR, IRHead, IRNode, IROp } from "./ir.ts";
export type { Shape } from "./shapes.ts";
export { loadGraphFile, parseJson, parseYaml } from "./load.ts";

/** Options that change a graph at compile time without editing it. */
export interface CompileOptions {
  /** Square input size to train at instead of the graph's (the paper uses 224). */
  inputSize?: number;
}

/** A compiled graph: the validated spec and its IR. */
export interface Compiled {
  spec: GraphSpec;
  ir: IR;
}

/** Compiles plain data (already loaded) into IR; `source` names it in errors. */
export function compileSpec(data: unknown, options: CompileOptions = {}, source = "graph"): Compiled {
  const spec = parseGraphSpec(data, source);
  const sized: GraphSpec = options.inputSize
    ? { ...spec, input: [options.inputSize, options.inputSize, spec.input[2]] }
    : spec;
  return { spec, ir: buildIR(resolveGraph(sized)) };
}

/** Loads a graph file (.ts, .yaml, .json) and compiles it. */
export async function compileFile(path: string, options: CompileOptions = {}): Promise<Compiled> {
  return compileSpec(await loadGraphFile(path), options, path);
}
