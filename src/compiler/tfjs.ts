/**
 * The compiler's tfjs side: lowering compiled IR to a `tf.LayersModel`, and compiling and lowering a
 * graph file in one call. Importing this module loads TensorFlow.js; `./mod.ts` does not.
 *
 * @example
 * ```ts
 * import { compileGraphFile } from "./tfjs.ts";
 * const { model, ir } = await compileGraphFile("examples/small_attention_mtl.ts");
 * model.countParams() === ir.totalParams; // true
 * ```
 * @module
 */
export { lowerToModel } from "./lower.ts";
export { compileGraphFile } from "./model.ts";
