/**
 * The wasm BatchMatMul replacement against cpu: every transposeA/transposeB combination, single
 * matrices, batches (equal, broadcast on either side, tiny ones left to the stock kernel) and
 * vector-shaped operands. Tolerance: relErr ≤ 1e-5; no leaked tensors or data ids.
 */
import * as tf from "@tensorflow/tfjs-core";
import { ok as assert } from "node:assert/strict";
import { compareWithCpu, rand, TOLERANCE } from "./helpers.ts";

const SHAPES: { a: number[]; b: number[] }[] = [
  { a: [37, 29], b: [29, 41] },
  { a: [1, 64], b: [64, 10] },
  { a: [65, 1], b: [1, 33] },
  { a: [3, 20, 30], b: [30, 25] }, // b shared: one tall product
  { a: [3, 20, 30], b: [3, 30, 25] }, // true batch
  { a: [20, 30], b: [4, 30, 25] }, // a broadcast
  { a: [2, 3, 17, 19], b: [2, 3, 19, 23] }, // rank 4
  { a: [5, 4, 3], b: [5, 3, 2] }, // tiny: stock loop
];

Deno.test("BatchMatMul on wasm matches cpu for every transpose combination", async () => {
  for (const [i, { a, b }] of SHAPES.entries()) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const sa = ta ? [...a.slice(0, -2), a.at(-1)!, a.at(-2)!] : a;
        const sb = tb ? [...b.slice(0, -2), b.at(-1)!, b.at(-2)!] : b;
        const err = await compareWithCpu(() => tf.matMul(rand(sa, 3 * i + 1), rand(sb, 3 * i + 2), ta, tb));
        assert(err <= TOLERANCE, `a=${sa} b=${sb} transposeA=${ta} transposeB=${tb}: relErr ${err}`);
      }
    }
  }
});

Deno.test("dense layer gradients (matMul with transposes) on wasm match cpu", async () => {
  const err = await compareWithCpu(() => {
    const x = rand([6, 48], 7), w = rand([48, 16], 8), b = rand([16], 9);
    const f = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.add(tf.matMul(x, w), b)));
    return tf.grads(f)([x, w, b]);
  });
  assert(err <= TOLERANCE, `relErr ${err}`);
});
