/**
 * The learned temperature of the task-attention layer (beyond the paper; its outputs and gradients
 * against the reference are in task_attention_test.ts): sharpening past tanh's bound, parameter
 * counts, and serialization (getConfig round trip, tf.loadLayersModel); the paper's layers serialize
 * exactly as before.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import {
  registerProjectLayers,
  TaskAttention,
  taskAttentionParamCount,
  type TaskAttentionTemperature,
  type TaskAttentionWeights,
} from "../../src/layers/mod.ts";
import { compileSpec } from "../../src/compiler/mod.ts";
import { normals, reference, rng, rows } from "./reference.ts";

await tf.setBackend("cpu");

Deno.test("learned temperature: a large β sharpens past tanh's bound without overflow", () => {
  const [k, kPrime] = [16, 4];
  const layer = new TaskAttention({ temperature: "learned" });
  layer.apply([tf.input({ shape: [k] }), tf.input({ shape: [kPrime] })]);
  // Evenly spread units (no two alike) and scores inside tanh's linear range.
  const x = [Array.from({ length: k }, (_, j) => -1 + (2 * j) / (k - 1))];
  const c = rows(normals(rng(13), kPrime), kPrime);
  const wS = new Array(kPrime).fill(0.3), wG = new Array(kPrime).fill(0);
  const run = (logBeta: number) => {
    const w = { wS, wG, logBeta: new Array(kPrime).fill(logBeta) };
    layer.setWeights([tf.tensor(wS), tf.tensor(wG), tf.tensor(w.logBeta)]);
    const out = tf.tidy(() =>
      (layer.apply([tf.tensor2d(x), tf.tensor2d(c)]) as tf.Tensor).arraySync()
    ) as number[][];
    return { out, want: reference(x, c, w, "module") };
  };
  // β = 1 (the paper's form) keeps the output near the mean of x; β = e⁶ ≈ 403 picks the largest x_j.
  const flat = run(0), sharp = run(6);
  const mean = x[0].reduce((a, b) => a + b, 0) / k, max = Math.max(...x[0]);
  assert.ok(Math.abs(flat.out[0][0] - max) > 0.5, `β = 1 cannot reach the max: ${flat.out[0][0]} vs ${max}`);
  assert.ok(Math.abs(flat.out[0][0] - mean) < Math.abs(flat.out[0][0] - max));
  assert.ok(
    Math.abs(sharp.out[0][0] - max) < 1e-3,
    `β ≈ 403 attends to the max: ${sharp.out[0][0]} vs ${max}`,
  );
  const diff = Math.max(...sharp.out[0].map((v, i) => Math.abs(v - sharp.want[0][i])));
  assert.ok(diff < 1e-5, `against the reference: ${diff}`);
  // exp(β·1) would overflow float32 at β = e⁶ without the row maximum taken out.
  assert.ok(sharp.out.flat().every(Number.isFinite));
  layer.dispose();
});

Deno.test("learned temperature: parameter counts, the compiler's totals and the paper's default", () => {
  const cases: [TaskAttentionWeights, boolean, TaskAttentionTemperature, number][] = [
    ["module", false, "learned", 192],
    ["module", true, "learned", 256],
    ["shared", false, "learned", 3],
    ["perPair", false, "learned", 8192 + 64],
    ["module", false, "fixed", 128],
  ];
  for (const [weights, bias, temperature, expected] of cases) {
    const layer = new TaskAttention({ weights, bias, temperature });
    layer.apply([tf.input({ shape: [64] }), tf.input({ shape: [64] })]);
    assert.equal(layer.countParams(), expected, `${weights} bias=${bias} ${temperature}`);
    assert.equal(taskAttentionParamCount({ k: 64, kPrime: 64, weights, bias, temperature }), expected);
    layer.dispose();
  }
  const spec = (temperature?: TaskAttentionTemperature) => ({
    name: "t",
    input: [16, 16, 3],
    trunk: [{ use: "small_trunk", widths: [4] }],
    heads: {
      smile: {
        branch: ["gap"],
        fc: 64,
        classes: ["no", "yes"],
        dependsOn: { gender: { kind: "attention", ...(temperature ? { temperature } : {}) } },
      },
      gender: { branch: ["gap"], fc: 64, classes: ["f", "m"] },
    },
  });
  const plain = compileSpec(spec()).ir, sharp = compileSpec(spec("learned")).ir;
  assert.equal(sharp.totalParams - plain.totalParams, 64);
  assert.equal(plain.nodes.find((n) => n.op === "attention")!.params, 128);
  assert.equal("temperature" in plain.nodes.find((n) => n.op === "attention")!.attrs, false);
  assert.throws(
    () =>
      compileSpec({
        ...spec(),
        heads: {
          ...spec().heads,
          smile: { ...spec().heads.smile, dependsOn: { gender: { kind: "attention", temperature: "hot" } } },
        },
      }),
    /heads\.smile\.dependsOn\.gender\.temperature/,
  );
  assert.throws(
    () => new TaskAttention({ temperature: "hot" as TaskAttentionTemperature }),
    /temperature must be one of fixed, learned/,
  );
});

Deno.test("learned temperature: getConfig round trip and reload through tf.loadLayersModel", async () => {
  registerProjectLayers();
  const layer = new TaskAttention({ name: "smile/att_gender", weights: "shared", temperature: "learned" });
  const config = layer.getConfig();
  assert.equal(config.temperature, "learned");
  const copy = TaskAttention.fromConfig(TaskAttention, config) as TaskAttention;
  assert.equal(copy.temperature, "learned");
  assert.deepEqual(copy.getConfig(), config);
  // The paper's form writes no temperature field: its saved models and snapshots are unchanged.
  assert.equal("temperature" in new TaskAttention().getConfig(), false);

  const input = tf.input({ shape: [10] });
  const fcS = tf.layers.dense({ units: 6, name: "smile/fc" }).apply(input) as tf.SymbolicTensor;
  const fcG = tf.layers.dense({ units: 4, name: "gender/fc" }).apply(input) as tf.SymbolicTensor;
  const att = new TaskAttention({ name: "smile/att_gender", temperature: "learned" }).apply([fcS, fcG]);
  const model = tf.model({ inputs: input, outputs: att as tf.SymbolicTensor });
  const next = rng(15);
  model.setWeights(model.getWeights().map((w) => tf.tensor(normals(next, w.size, 0.8), w.shape)));
  const saved: tf.io.ModelArtifacts[] = [];
  await model.save(tf.io.withSaveHandler((a) => {
    saved.push(a);
    return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } });
  }));
  const reloaded = await tf.loadLayersModel(tf.io.fromMemory(saved[0]));
  const names = reloaded.weights.map((w) => w.originalName);
  assert.ok(names.includes("smile/att_gender/logBeta"), names.join(", "));
  const x = tf.tensor2d(normals(next, 20), [2, 10]);
  const [a, b] = [model, reloaded].map((m) => (m.predict(x) as tf.Tensor).dataSync());
  assert.deepEqual(b, a);
  tf.dispose(x);
  model.dispose();
  reloaded.dispose();
});
