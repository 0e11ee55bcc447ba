/**
 * Filters in the layout a primitive prefers. tfjs keeps conv filters as HWIO; oneDNN's fastest kernels
 * want blocked layouts. The reordered copy is kept per filter tensor (its data id) and primitive, so a
 * filter used by a forward and a backward-data convolution in one step is reordered once for each, and
 * a filter reused across inference batches only once.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { ARG } from "../abi.ts";
import { allocate } from "../backend.ts";
import type { Engine, MemoryDesc, Primitive } from "../engine.ts";

// Data ids are objects that tfjs drops when the tensor is disposed; the copies go with them.
const copies = new WeakMap<object, Map<Primitive, Float32Array>>();

/** Runs a (cached) reorder from `from` to `to` layout on `src` into `dst`. */
export function reorderInto(
  engine: Engine,
  key: string,
  from: MemoryDesc,
  to: MemoryDesc,
  src: Float32Array,
  dst: Float32Array,
): void {
  const r = engine.cached(
    `reorder:${key}`,
    () => engine.reorder(from, to).bind(ARG.from, from).bind(ARG.to, to),
  );
  r.run([[ARG.from, src], [ARG.to, dst]]);
}

/**
 * `values` (the filter tensor `filter`, layout `user`) in the layout `prim` chose for argument `query`,
 * reordered on first use and kept while the tensor lives.
 */
export function reorderedWeights(
  engine: Engine,
  prim: Primitive,
  key: string,
  filter: tf.TensorInfo,
  values: Float32Array,
  user: MemoryDesc,
  chosen: MemoryDesc,
): Float32Array {
  let byPrim = copies.get(filter.dataId);
  if (!byPrim) copies.set(filter.dataId, byPrim = new Map());
  let out = byPrim.get(prim);
  if (!out) {
    out = allocate(prim.bytes(chosen) / 4);
    reorderInto(engine, key, user, chosen, values, out);
    byPrim.set(prim, out);
  }
  return out;
}
