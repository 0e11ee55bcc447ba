/**
 * The project's custom tfjs layers, and one call that registers them all for serialization.
 *
 * @module
 */
import { registerTaskAttention, TaskAttention } from "./task_attention.ts";

export { batchNormalization, type BatchNormConfig } from "./batch_norm.ts";
export type { Initializer, InitializerLike } from "./initializers.ts";
export {
  registerTaskAttention,
  TASK_ATTENTION_WEIGHTS,
  TaskAttention,
  taskAttention,
  type TaskAttentionConfig,
  taskAttentionParamCount,
  type TaskAttentionWeights,
} from "./task_attention.ts";

/**
 * Registers every custom layer of the project with tfjs serialization, so that
 * `tf.loadLayersModel` can rebuild saved models. Idempotent: call it wherever a model is loaded.
 * Returns the registered class names.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * declare const handler: tf.io.IOHandler;
 * registerProjectLayers(); // ["TaskAttention"]
 * const model = await tf.loadLayersModel(handler);
 * ```
 */
export function registerProjectLayers(): string[] {
  registerTaskAttention();
  return [TaskAttention.className];
}
