/**
 * The wasm data-movement and reduction replacements against cpu: Transpose (many permutations,
 * size-1 axes, int32), Slice, StridedSlice (steps, negative steps, masks), Tile, Reverse, Sum and
 * Mean (leading, middle, trailing and non-contiguous axes, keepDims). Tolerance: relErr ≤ 1e-5
 * (these are exact copies, so in practice 0, except sums); no leaked tensors or data ids.
 */
import * as tf from "@tensorflow/tfjs-core";
import { ok as assert } from "node:assert/strict";
import { compareWithCpu, rand, TOLERANCE } from "./helpers.ts";

async function check(name: string, fn: () => tf.Tensor | tf.Tensor[]) {
  const err = await compareWithCpu(fn);
  assert(err <= TOLERANCE, `${name}: relErr ${err}`);
}

Deno.test("Transpose on wasm matches cpu", async () => {
  const cases: [number[], number[]][] = [
    [[37, 45], [1, 0]],
    [[2, 5, 7, 3], [3, 1, 2, 0]],
    [[2, 5, 7, 3], [1, 2, 0, 3]],
    [[3, 4, 5, 6], [0, 2, 1, 3]],
    [[3, 4, 5, 6], [3, 2, 1, 0]],
    [[1, 40, 1, 35], [3, 1, 2, 0]],
    [[2, 3, 4, 5, 6], [4, 0, 3, 1, 2]],
    [[70, 3, 66], [2, 1, 0]],
  ];
  for (const [shape, perm] of cases) {
    await check(`transpose ${shape} ${perm}`, () => tf.transpose(rand(shape, 1), perm));
    await check(
      `transpose int32 ${shape} ${perm}`,
      () => tf.transpose(tf.cast(tf.mul(rand(shape, 2), 100), "int32"), perm),
    );
  }
});

Deno.test("Slice and StridedSlice on wasm match cpu", async () => {
  await check("slice 4d", () => tf.slice(rand([3, 9, 8, 5], 1), [1, 2, 0, 1], [2, 5, 8, 3]));
  await check("slice 2d rows", () => tf.slice(rand([20, 70], 2), [3, 0], [10, 70]));
  await check("slice 1d", () => tf.slice(rand([100], 3), [7], [50]));
  await check("slice 5d", () => tf.slice(rand([2, 3, 4, 5, 6], 4), [1, 0, 1, 2, 0], [1, 3, 2, 2, 6]));
  const x = () => rand([2, 9, 8, 3], 5);
  await check("strided ::2", () => tf.stridedSlice(x(), [0, 0, 0, 0], [2, 9, 8, 3], [1, 2, 2, 1]));
  await check("strided offset ::3", () => tf.stridedSlice(x(), [0, 1, 2, 0], [2, 9, 8, 3], [1, 3, 3, 1]));
  await check("strided negative", () => tf.stridedSlice(x(), [1, 8, 7, 2], [0, 0, 0, 0], [-1, -2, -1, -1]));
  await check(
    "strided masks",
    () => tf.stridedSlice(x(), [0, 2, 0, 1], [0, 6, 0, 2], [1, 1, 1, 1], 5, 5, 0, 0, 8),
  );
  await check("strided identity", () => tf.stridedSlice(x(), [0, 0, 0, 0], [2, 9, 8, 3], [1, 1, 1, 1]));
});

Deno.test("Tile and Reverse on wasm match cpu", async () => {
  await check("tile channel vector", () => tf.tile(rand([1, 1, 1, 7], 1), [2, 5, 4, 1]));
  await check("tile 2d", () => tf.tile(rand([3, 70], 2), [2, 3]));
  await check("tile 3d", () => tf.tile(rand([2, 3, 4], 3), [3, 1, 2]));
  await check("tile scalar-ish", () => tf.tile(rand([1], 4), [9]));
  await check("tile int32", () => tf.tile(tf.cast(tf.mul(rand([2, 3], 5), 9), "int32"), [2, 2]));
  await check("reverse h,w", () => tf.reverse(rand([2, 5, 6, 3], 6), [1, 2]));
  await check("reverse last", () => tf.reverse(rand([4, 70], 7), [1]));
  await check("reverse all", () => tf.reverse(rand([3, 4, 5], 8)));
});

Deno.test("Sum and Mean on wasm match cpu", async () => {
  const x = () => rand([3, 7, 6, 5], 9);
  for (const axes of [[0, 1, 2], [1, 2], [3], [2, 3], [0], [0, 2], [0, 1, 2, 3]]) {
    for (const keep of [false, true]) {
      await check(`sum ${axes} keep=${keep}`, () => tf.sum(x(), axes, keep));
      await check(`mean ${axes} keep=${keep}`, () => tf.mean(x(), axes, keep));
    }
  }
  await check("sum of a big leading run", () => tf.sum(rand([40, 30, 30, 3], 10), [0, 1, 2]));
  await check("sum with a row count not a multiple of 4", () => tf.sum(rand([7, 9, 5, 6], 12), [0, 1, 2]));
  await check("mean over a middle run", () => tf.mean(rand([3, 7, 9, 5], 13), [1, 2]));
  await check("sum int32", () => tf.sum(tf.cast(tf.mul(rand([4, 5], 11), 9), "int32"), 0));
});

Deno.test("batch-norm training gradients on wasm match cpu", async () => {
  await check("batchNorm grads", () => {
    const x = rand([2, 5, 6, 4], 1), scale = rand([4], 2), offset = rand([4], 3);
    const f = (x: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.sum(tf.square(tf.batchNorm(x, mean, variance, offset, scale, 1e-3)));
    };
    return tf.grads(f)([x, scale, offset]);
  });
});
