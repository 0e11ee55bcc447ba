/**
 * Gradient accumulation: for a conv + dense model without batch-norm, gradients accumulated over
 * unequal micro-batches (3+3+1, and 1 at a time) equal the full-batch gradient (relErr ≤ 1e-5, relErr
 * = max|a−b| / max(1, max|b|)), the loss equals the full-batch loss, and nothing leaks. Also the
 * micro-batch sizes chooseMicroBatch gives for wasm.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import {
  accumulateGradients,
  autoMicroBatch,
  chooseMicroBatch,
  splitBatch,
} from "../../src/train/accumulate.ts";
import { compileFile } from "../../src/compiler/mod.ts";

const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0, s = 1;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i])), s = Math.max(s, Math.abs(b[i]));
  return d / s;
};

function smallModel(): tf.LayersModel {
  const m = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [9, 9, 2], filters: 4, kernelSize: 3, strides: 2, activation: "relu" }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, activation: "softmax" }),
    ],
  });
  m.setWeights(m.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.5, "float32", 10 + i)));
  return m;
}

Deno.test("accumulated micro-batch gradients equal full-batch gradients (no batch-norm)", async () => {
  await tf.setBackend("cpu");
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  const model = smallModel();
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const xs = tf.randomNormal([7, 9, 9, 2], 0, 1, "float32", 1);
  const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 2, 1, 0, 1], "int32"), 3);
  const lossFn = (x: tf.Tensor | tf.Tensor[], y: tf.Tensor | tf.Tensor[]) =>
    tf.losses.softmaxCrossEntropy(y as tf.Tensor, model.apply(x as tf.Tensor) as tf.Tensor) as tf.Scalar;

  const full = await accumulateGradients(lossFn, vars, [{ xs, ys }]);
  const before = tf.memory().numTensors;
  for (const size of [3, 1]) {
    const parts = splitBatch(xs, ys, size);
    const acc = await accumulateGradients(lossFn, vars, parts);
    tf.dispose(parts.flatMap((p) => [p.xs, p.ys]).flat());
    assert.equal(acc.count, 7);
    assert.ok(
      Math.abs(acc.loss - full.loss) <= 1e-5 * Math.max(1, Math.abs(full.loss)),
      `loss ${acc.loss} vs ${full.loss}`,
    );
    for (const v of vars) {
      const err = relErr(acc.grads[v.name].dataSync(), full.grads[v.name].dataSync());
      assert.ok(err <= 1e-5, `${v.name} micro-batch ${size}: relErr ${err}`);
    }
    tf.dispose(Object.values(acc.grads));
    assert.equal(tf.memory().numTensors, before, "accumulation leaked tensors");
  }
  tf.dispose([xs, ys, ...Object.values(full.grads)]);
  model.dispose();
});

Deno.test("chooseMicroBatch fits wasm's 4 GiB heap", () => {
  assert.equal(chooseMicroBatch(224, "wasm"), 3);
  assert.ok(chooseMicroBatch(64, "wasm", { trunk: "small" }) >= 64);
  assert.equal(chooseMicroBatch(64, "wasm", { trunk: "small", maxBatch: 32 }), 32);
  assert.ok(chooseMicroBatch(112, "wasm") > chooseMicroBatch(224, "wasm"));
  assert.equal(chooseMicroBatch(4096, "wasm"), 1);
});

Deno.test({
  name: "on onednn the paper's batch of 64 at 224×224 trains in one pass where memory allows (24 GiB)",
  ignore: Deno.systemMemoryInfo().total < 22 * 2 ** 30,
}, async () => {
  const { ir } = await compileFile("graphs/attention_mtl.ts", { inputSize: 224 });
  assert.equal(autoMicroBatch("onednn")(ir, 64), 64);
  assert.equal(autoMicroBatch("wasm")(ir, 64), 3); // wasm32's 4 GiB heap
});
