/**
 * Sizes no backend can allocate, caught while the graph is still data: a dense layer of a billion
 * units or a 100000×100000 input would otherwise pass every check and fail deep inside tfjs with
 * a RangeError when lowered or trained.
 *
 * @module
 */
import { UserError } from "../util/errors.ts";
import type { Shape } from "../ops/mod.ts";

/** The most values one tensor may hold: tfjs indexes tensors with 32-bit integers (and wasm's heap is 4 GiB). */
export const MAX_TENSOR_VALUES = 2 ** 31 - 1;

/** The most parameters a graph may have: 4 GiB of float32 weights, before gradients and Adam's two slots. */
export const MAX_PARAMS = 2 ** 30;

const count = (n: number) => (Number.isFinite(n) ? n.toLocaleString("en-US") : "infinitely many");

/**
 * Checks one node's output (values per image) and its parameters against what a tensor can hold,
 * and the graph's running parameter total against {@linkcode MAX_PARAMS}; throws a UserError at `where`.
 */
export function checkSizes(shape: Shape, params: number, totalParams: number, where: string): void {
  const values = shape.reduce((p, d) => p * d, 1);
  // Written as !(x <= max) so that NaN (from absurd sizes) fails too.
  if (!(values <= MAX_TENSOR_VALUES)) {
    throw new UserError(
      where,
      `its output would hold ${count(values)} values per image (${shape.join("×")}); ` +
        `a tensor holds at most ${count(MAX_TENSOR_VALUES)}`,
    );
  }
  if (!(params <= MAX_TENSOR_VALUES)) {
    throw new UserError(
      where,
      `it would have ${count(params)} parameters; a tensor holds at most ${count(MAX_TENSOR_VALUES)}`,
    );
  }
  if (!(totalParams <= MAX_PARAMS)) {
    throw new UserError(
      where,
      `the graph reaches ${count(totalParams)} parameters here; at most ${count(MAX_PARAMS)} ` +
        `(4 GiB of weights) can be allocated and trained`,
    );
  }
}
