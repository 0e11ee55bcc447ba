/**
 * The onednn backend's recycled output buffers: a disposed tensor's buffer serves the next output of its
 * length; what a caller reads (`dataSync`, `data`) is a copy it keeps; a buffer two tensors' data refer to
 * (a view) comes back only when both are gone.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import type { OnednnBackend } from "../../../src/backend/onednn/mod.ts";
import { POOL_MIN_LENGTH } from "../../../src/backend/onednn/pool.ts";
import { rand } from "../helpers.ts";
import { onednnTest, useOnednn } from "./helpers.ts";

const N = 64 * 1024; // ≥ POOL_MIN_LENGTH and ≥ the size the element-wise kernels run natively from

Deno.test(
  { name: "a disposed output's buffer is reused for the next output of its length", ...onednnTest },
  async () => {
    await useOnednn();
    const backend = tf.backend() as unknown as OnednnBackend;
    assert(N >= POOL_MIN_LENGTH);
    const x = rand([N], 1);
    const y1 = tf.relu(x);
    const first = backend.f32(y1);
    y1.dispose();
    const reused = backend.pool.stats.reused;
    const y2 = tf.relu(x);
    assert.equal(backend.f32(y2).buffer, first.buffer, "the same buffer");
    assert.equal(backend.pool.stats.reused, reused + 1);
    assert.deepEqual(
      [...y2.dataSync().slice(0, 5)],
      [...x.dataSync().slice(0, 5)].map((v) => Math.max(0, v)),
    );
    tf.dispose([x, y2]);
  },
);

Deno.test(
  { name: "reads of a pooled tensor are copies that later outputs cannot change", ...onednnTest },
  async () => {
    await useOnednn();
    const x = rand([N], 2);
    const y = tf.relu(x);
    const read = y.dataSync();
    const kept = Float32Array.from(read);
    y.dispose();
    const z = tf.neg(tf.relu(tf.neg(x))); // reuses y's buffer for its outputs
    assert.deepEqual(read, kept, "what the caller read did not change");
    const asyncRead = await z.data();
    z.dispose();
    tf.dispose(tf.relu(x));
    assert.notEqual((asyncRead as Float32Array)[0], Number.NaN);
    tf.dispose(x);
  },
);

Deno.test({
  name: "a buffer two tensors refer to returns to the pool only when both are disposed",
  ...onednnTest,
}, async () => {
  await useOnednn();
  const backend = tf.backend() as unknown as OnednnBackend;
  const x = rand([N], 3);
  const y = tf.relu(x);
  const values = backend.f32(y);
  // A view of y's buffer as another tensor's data, as a cpu kernel may make (e.g. a slice).
  const view = tf.engine().makeTensorFromTensorInfo(backend.output([N / 2], values.subarray(0, N / 2)));
  const returned = backend.pool.stats.returned;
  y.dispose();
  assert.equal(backend.pool.stats.returned, returned, "still referenced by the view");
  const w = tf.relu(x); // must not get y's buffer
  assert.notEqual(backend.f32(w).buffer, values.buffer);
  view.dispose();
  assert.equal(backend.pool.stats.returned, returned + 1);
  tf.dispose([x, w]);
});
