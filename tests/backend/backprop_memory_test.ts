/**
 * Early release of backprop memory: the gradients of a deep residual chain are bit-identical with and
 * without it, and the peak of live tensor bytes during the backward pass is much lower with it; a
 * caller's own seed gradient (tf.grad's dy) survives.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { releaseBackpropMemoryEarly, setBackpropEarlyRelease } from "../../src/backend/backprop_memory.ts";
import { rand } from "./helpers.ts";

/** Live tensor bytes at each point the backward pass crosses a probe. */
const seen: number[] = [];
const probe = tf.customGrad((x, save) => {
  (save as (t: tf.Tensor[]) => void)([]);
  return {
    value: tf.clone(x as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => (seen.push(tf.memory().numBytes), tf.clone(dy)),
  };
});

function deepLoss(x: tf.Tensor4D, filters: tf.Variable[]): tf.Scalar {
  let h: tf.Tensor4D = x;
  for (const f of filters) {
    const y = tf.relu(tf.conv2d(h, f as tf.Tensor4D, 1, "same"));
    h = probe(tf.add(h, y)) as tf.Tensor4D;
  }
  return tf.sum(tf.square(h));
}

async function useQuietCpu() {
  await tf.setBackend("cpu");
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
}

async function run(early: boolean) {
  await useQuietCpu();
  setBackpropEarlyRelease(early);
  const start = tf.memory().numBytes;
  const filters = Array.from({ length: 8 }, (_, i) => {
    const init = tf.tidy(() => tf.mul(rand([3, 3, 8, 8], 10 + i), 0.1));
    const v = tf.variable(init);
    init.dispose();
    return v;
  });
  const x = rand([2, 16, 16, 8], 1) as tf.Tensor4D;
  seen.length = 0;
  const before = tf.memory().numBytes;
  const { grads, value } = tf.variableGrads(() => deepLoss(x, filters), filters);
  const peak = Math.max(...seen) - before;
  const out = filters.map((f) => Float32Array.from(grads[f.name].dataSync()));
  tf.dispose([x, value, ...Object.values(grads), ...filters]);
  return { out, peak, leaked: tf.memory().numBytes - start };
}

Deno.test("backprop frees each node's gradients and saved tensors once passed, same gradients", async () => {
  releaseBackpropMemoryEarly();
  const late = await run(false);
  const early = await run(true);
  early.out.forEach((g, i) => assert.deepEqual(g, late.out[i], `gradient ${i}`));
  assert.equal(early.leaked, 0);
  assert.equal(late.leaked, 0);
  assert(
    early.peak < 0.6 * late.peak,
    `peak during backward: ${early.peak} bytes with early release, ${late.peak} without`,
  );
  setBackpropEarlyRelease(true);
});

Deno.test("a caller's seed gradient survives the backward pass", async () => {
  releaseBackpropMemoryEarly();
  await useQuietCpu();
  const x = rand([4, 5], 3);
  const dy = rand([4, 5], 4);
  const g = tf.grad((t: tf.Tensor) => tf.relu(tf.mul(t, 2)))(x, dy);
  assert(!dy.isDisposed, "dy was disposed");
  assert.deepEqual([...dy.dataSync()].length, 20);
  tf.dispose([x, dy, g]);
});
