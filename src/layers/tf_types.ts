/**
 * tfjs types under local names, for the public API of this package and the compiler.
 *
 * deno 2.9's `deno doc --lint` reports every type from an npm package that a public signature
 * mentions as "private" (fixed upstream in denoland/deno#34339). The aliases below are marked
 * `@ignore`, so the docs show the local name and the lint passes; the types are tfjs' own.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** @ignore The class of tfjs layers. */
export type LayerClass = typeof tf.layers.Layer;

/** @ignore The base class of tfjs layers (`tf.layers.Layer`). */
export const LayerBase: LayerClass = tf.layers.Layer;

/** @ignore A tfjs layer. */
export type Layer = tf.layers.Layer;

/** @ignore A tfjs layers model. */
export type LayersModel = tf.LayersModel;

/** @ignore The constructor arguments every tfjs layer takes (`name`, `trainable`, …). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** @ignore A serialized configuration (what `getConfig` returns). */
export type ConfigDict = tf.serialization.ConfigDict;

/** @ignore A tensor shape as tfjs layers see it (batch dimension `null`). */
export type TfShape = tf.Shape;

/** @ignore A tfjs tensor. */
export type Tensor = tf.Tensor;

/** @ignore The `@tensorflow/tfjs` module. */
export type Tfjs = typeof tf;
