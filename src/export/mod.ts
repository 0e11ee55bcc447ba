/**
 * The compiler's other targets. `pytorch`: a graph as PyTorch code (model.py generated from the IR,
 * submodules named by the IR's layer paths), its weights by name, and a train.py that runs the
 * paper's protocol under torchrun and writes runs the Deno runtime reads back.
 *
 * @example
 * ```ts
 * import { exportPytorch } from "./src/export/mod.ts";
 * const result = await exportPytorch({ graph: "graphs/attention_mtl.ts", out: "out/attention_mtl/pytorch" });
 * console.log(result.params); // 28322308
 * ```
 * @module
 */
export { emitModelPy, type ModelPyOptions } from "./model_py.ts";
export { type Layout, type ModelPlan, planModel, type PlannedNode, type WeightEntry } from "./plan.ts";
export {
  EXPORT_MARKER,
  exportPytorch,
  type PytorchExport,
  type PytorchExportOptions,
  SUPPORT_FILES,
} from "./pytorch.ts";
export { type PackedWeights, packRunWeights } from "./run_weights.ts";
