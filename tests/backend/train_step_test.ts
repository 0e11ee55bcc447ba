/**
 * A full training step of a small conv net (conv stride 2 + batch norm + relu, conv stride 1 + batch
 * norm, max pool, global average pool, dense, softmax cross-entropy) built with tfjs-layers, as the
 * compiler's models are. On wasm with the project's kernels it must leak no tensors and no wasm data
 * ids across steps, and its gradients (and the SGD-updated weights) must match the cpu backend's to
 * relErr ≤ 1e-5 from the same seeded weights and batch.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { rand, randArray, relErr, runOn, TOLERANCE, useWasm } from "./helpers.ts";

function smallNet(): tf.LayersModel {
  const input = tf.input({ shape: [17, 16, 3] });
  let h = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: "same", useBias: false })
    .apply(input) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
  h = tf.layers.activation({ activation: "relu" }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv2d({ filters: 12, kernelSize: 3, padding: "same" }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization().apply(h) as tf.SymbolicTensor;
  h = tf.layers.activation({ activation: "relu" }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: "softmax" }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  // Same weights on every backend: seeded values, not the layers' random initialisers.
  model.setWeights(model.weights.map((lw, i) => {
    const shape = lw.shape as number[];
    const v = randArray(shape.reduce((a, b) => a * b, 1), 1000 + i);
    return tf.tensor(lw.name.includes("variance") ? v.map((x) => 1 + 0.5 * x) : v.map((x) => 0.5 * x), shape);
  }));
  return model;
}

const BATCH = 4;
const batch = () => ({
  xs: rand([BATCH, 17, 16, 3], 7),
  ys: tf.oneHot(tf.tensor1d([0, 2, 1, 2], "int32"), 3),
});

/** One SGD step; returns the gradients and the updated weights. */
function trainStep(model: tf.LayersModel, optimizer: tf.Optimizer): tf.Tensor[] {
  const { xs, ys } = batch();
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const { value, grads } = tf.variableGrads(() => {
    const p = model.apply(xs, { training: true }) as tf.Tensor;
    return tf.losses.softmaxCrossEntropy(ys, p) as tf.Scalar;
  }, vars);
  optimizer.applyGradients(grads);
  value.dispose();
  return vars.map((v) => grads[v.name]);
}

Deno.test("a conv/BN/dense training step on wasm leaks nothing and matches cpu gradients", async () => {
  const results: Record<string, Float32Array[]> = {};
  for (const backend of ["wasm", "cpu"] as const) {
    await runOn(backend, () => tf.zeros([1])); // switch backend
    const model = smallNet();
    const optimizer = tf.train.sgd(0.1);
    tf.dispose(tf.tidy(() => trainStep(model, optimizer))); // first step: optimizer state, kernel setup
    const tensors = tf.memory().numTensors, ids = tf.backend().numDataIds();
    const grads = tf.tidy(() => trainStep(model, optimizer));
    const values = grads.map((g) => Float32Array.from(g.dataSync()));
    tf.dispose(grads);
    assert.equal(tf.memory().numTensors, tensors, `${backend}: tensors leaked by a training step`);
    assert.equal(tf.backend().numDataIds(), ids, `${backend}: data ids leaked by a training step`);
    results[backend] = [...values, ...model.getWeights().map((w) => Float32Array.from(w.dataSync()))];
    model.dispose();
    optimizer.dispose();
  }
  results.wasm.forEach((w, i) => {
    assert(
      results.cpu[i].some((v) => v !== 0),
      `gradient/weight ${i} is all zeros: the test would prove nothing`,
    );
    const err = relErr(w, results.cpu[i]);
    assert(err <= TOLERANCE, `gradient/weight ${i}: relErr ${err}`);
  });
  await useWasm();
});
