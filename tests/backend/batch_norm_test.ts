/**
 * The wasm `FusedBatchNorm` replacement against cpu: per-channel and scalar parameters, missing scale
 * or offset, ranks 1–4, broadcast-shaped statistics, a non-per-channel fallback, and the training-mode
 * gradients through it. Tolerance: relErr ≤ 1e-5; no leaked tensors or data ids.
 */
import * as tf from "@tensorflow/tfjs-core";
import { ok as assert } from "node:assert/strict";
import { compareWithCpu, rand, TOLERANCE } from "./helpers.ts";

async function check(name: string, fn: () => tf.Tensor | tf.Tensor[]) {
  const err = await compareWithCpu(fn);
  assert(err <= TOLERANCE, `${name}: relErr ${err}`);
}

const pos = (t: tf.Tensor) => tf.add(tf.abs(t), 0.1);

Deno.test("FusedBatchNorm on wasm matches cpu", async () => {
  await check("4d per-channel", () => {
    const x = rand([4, 9, 7, 6], 1);
    return tf.batchNorm(x, rand([6], 2), pos(rand([6], 3)), rand([6], 4), rand([6], 5), 1e-3);
  });
  await check("4d big", () => {
    const x = rand([8, 24, 24, 32], 6);
    return tf.batchNorm(x, rand([32], 7), pos(rand([32], 8)), rand([32], 9), rand([32], 10), 1e-3);
  });
  await check(
    "no scale, no offset",
    () => tf.batchNorm(rand([3, 5, 4], 11), rand([4], 12), pos(rand([4], 13))),
  );
  await check("scalar parameters", () => {
    const x = rand([2, 3, 3, 5], 14);
    return tf.batchNorm(x, tf.scalar(0.3), tf.scalar(2), tf.scalar(-1), tf.scalar(0.5), 1e-5);
  });
  await check("rank 1", () => tf.batchNorm(rand([7], 15), rand([7], 16), pos(rand([7], 17))));
  await check(
    "rank 2",
    () => tf.batchNorm(rand([10, 3], 18), rand([3], 19), pos(rand([3], 20)), rand([3], 21)),
  );
  await check("[1,1,1,C] statistics", () => {
    const x = rand([2, 4, 4, 3], 22);
    const { mean, variance } = tf.moments(x, [0, 1, 2], true);
    return tf.batchNorm(x, mean, variance, rand([1, 1, 1, 3], 23), rand([1, 1, 1, 3], 24), 1e-3);
  });
  await check("per-position statistics (stock fallback)", () => {
    const x = rand([2, 4, 3], 25);
    return tf.batchNorm(x, rand([4, 3], 26), pos(rand([4, 3], 27)), rand([4, 3], 28), rand([4, 3], 29));
  });
});

Deno.test("FusedBatchNorm training gradients on wasm match cpu", async () => {
  await check("grads", () => {
    const x = rand([4, 6, 6, 8], 30), scale = rand([8], 31), offset = rand([8], 32);
    const f = (x: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.sum(tf.mul(tf.batchNorm(x, mean, variance, offset, scale, 1e-3), rand([4, 6, 6, 8], 33)));
    };
    return tf.grads(f)([x, scale, offset]);
  });
});
