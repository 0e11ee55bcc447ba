/**
 * The project's custom tfjs layers, and one call that registers them all for serialization.
 * Importing this module registers them (a model that uses them then loads with
 * `tf.loadLayersModel`); {@linkcode registerProjectLayers} does it again where a second copy of
 * tfjs is in play.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import "./mod.ts"; // registers TaskAttention
 * declare const handler: tf.io.IOHandler;
 * const model = await tf.loadLayersModel(handler);
 * ```
 * @module
 */
import { registerTaskAttention, TaskAttention } from "./task_attention.ts";
import { batchNormalization as batchNorm, type BatchNormConfig as BatchNormOptions } from "./batch_norm.ts";
import { conv2d as conv2dLayer } from "./conv2d.ts";

/** @ignore Batch normalisation as the compiler lowers it (src/layers/batch_norm.ts). */
export const batchNormalization: typeof batchNorm = batchNorm;
/** @ignore What lowering passes to {@linkcode batchNormalization}. */
export type BatchNormConfig = BatchNormOptions;
/** @ignore The conv2d layer as the compiler lowers it (src/layers/conv2d.ts). */
export const conv2d: typeof conv2dLayer = conv2dLayer;
export type { Initializer, InitializerLike } from "./initializers.ts";
export { LayerBase } from "./tf_types.ts";
export type {
  ConfigDict,
  Layer,
  LayerArgs,
  LayerClass,
  LayersModel,
  Tensor,
  Tfjs,
  TfShape,
} from "./tf_types.ts";
export {
  registerTaskAttention,
  TASK_ATTENTION_TEMPERATURES,
  TASK_ATTENTION_WEIGHTS,
  TaskAttention,
  taskAttention,
  type TaskAttentionConfig,
  taskAttentionParamCount,
  type TaskAttentionTemperature,
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
