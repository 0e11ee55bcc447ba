/**
 * The compiler: load → resolve → check → IR. Lowering to tfjs lives in `lower.ts` so that checking
 * a graph never loads TensorFlow.js. A `.ts` graph file is evaluated without permissions (see
 * `sandbox.ts`; needs `--unstable-worker-options`).
 *
 * @example
 * ```ts
 * import { compileFile } from "./mod.ts";
 * const { ir } = await compileFile("graphs/attention_mtl.ts");
 * console.log(ir.totalParams); // 28322308
 * ```
 * @module
 */
import type { GraphSpec } from "../schema/mod.ts";
import { parseGraphSpec } from "../schema/mod.ts";
import { buildIR, type IR } from "./ir.ts";
import { loadGraphData } from "./load.ts";
import { resolveGraph } from "./resolve.ts";

export type { IR, IRHead, IRNode, IRNodeOf, IROp, IRScope } from "./ir.ts";
export type { Attrs, AttrsOf, OpAttrs, OpDefs, OpName, Shape } from "../ops/mod.ts";
export type { GraphSpec, GraphSpecInput, TrainingSpec } from "../schema/mod.ts";
export { parseGraphSpec } from "../schema/mod.ts";
export { loadGraphData, loadGraphFile, parseJson, parseYaml } from "./load.ts";
export type { SandboxOptions } from "./sandbox.ts";
export { MAX_PARAMS, MAX_TENSOR_VALUES } from "./limits.ts";
export { estimateTrainingMemory, type TrainingMemory } from "./memory.ts";

/** Options that change a graph at compile time without editing it. */
export interface CompileOptions {
  /** Square input size to train at instead of the graph's (the paper uses 224). */
  inputSize?: number;
}

/** A compiled graph: the validated spec and its IR. */
export interface Compiled {
  /** The graph as validated, defaults filled in (before `inputSize` applies). */
  spec: GraphSpec;
  /** The flat, shape-checked graph. */
  ir: IR;
}

/**
 * Compiles plain data (already loaded) into IR; `source` names it in errors. The data is
 * validated once, here.
 */
export function compileSpec(data: unknown, options: CompileOptions = {}, source = "graph"): Compiled {
  return compileParsed(parseGraphSpec(data, source), options);
}

/** Compiles a spec that {@linkcode parseGraphSpec} already returned (no second validation). */
export function compileParsed(spec: GraphSpec, options: CompileOptions = {}): Compiled {
  const sized: GraphSpec = options.inputSize
    ? { ...spec, input: [options.inputSize, options.inputSize, spec.input[2]] }
    : spec;
  return { spec, ir: buildIR(resolveGraph(sized)) };
}

/** Loads a graph file (.ts, .yaml, .json) and compiles it. */
export async function compileFile(path: string, options: CompileOptions = {}): Promise<Compiled> {
  return compileSpec(await loadGraphData(path), options, path);
}
