/**
 * Serialization of the task-attention layer: config round trip, registration safety, and a model with
 * "/"-named attention layers saved to disk and reloaded through tf.loadLayersModel.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  registerProjectLayers,
  registerTaskAttention,
  TASK_ATTENTION_WEIGHTS,
  TaskAttention,
  type TaskAttentionConfig,
} from "../../src/layers/mod.ts";
import { normals, rng } from "./reference.ts";

await tf.setBackend("cpu");

/** Minimal on-disk IOHandler (model.json + weights.bin): plain tfjs has no file:// handler under Deno. */
function dirHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts) {
      const wd = artifacts.weightData!;
      const bin = Array.isArray(wd) ? tf.io.concatenateArrayBuffers(wd) : wd;
      await Deno.writeFile(join(dir, "weights.bin"), new Uint8Array(bin));
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs! }],
      };
      await Deno.writeTextFile(join(dir, "model.json"), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load() {
      const json = JSON.parse(await Deno.readTextFile(join(dir, "model.json")));
      const bin = await Deno.readFile(join(dir, "weights.bin"));
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      };
    },
  };
}

/** The paper's two mutual edges on a toy trunk, with the graph-path layer names the compiler uses. */
function buildModel(): tf.LayersModel {
  const input = tf.input({ shape: [10], name: "image" });
  const fcS = tf.layers.dense({ units: 6, activation: "relu", name: "smile/fc" }).apply(
    input,
  ) as tf.SymbolicTensor;
  const fcG = tf.layers.dense({ units: 4, activation: "relu", name: "gender/fc" }).apply(
    input,
  ) as tf.SymbolicTensor;
  const attS = new TaskAttention({ name: "smile/att_gender", weights: "perPair", bias: true }).apply([
    fcS,
    fcG,
  ]);
  const attG = new TaskAttention({ name: "gender/att_smile" }).apply([fcG, fcS]);
  const outS = tf.layers.dense({ units: 2, activation: "softmax", name: "smile/out" }).apply(
    attS as tf.SymbolicTensor,
  );
  const outG = tf.layers.dense({ units: 2, activation: "softmax", name: "gender/out" }).apply(
    attG as tf.SymbolicTensor,
  );
  const model = tf.model({
    inputs: input,
    outputs: [outS, outG] as tf.SymbolicTensor[],
    name: "attention_mtl",
  });
  // Non-trivial values everywhere (the bias would otherwise stay zero and prove nothing).
  const next = rng(3);
  model.setWeights(model.getWeights().map((w) => tf.tensor(normals(next, w.size, 0.8), w.shape)));
  return model;
}

function outputs(model: tf.LayersModel, x: tf.Tensor): Float32Array[] {
  return (model.predict(x) as tf.Tensor[]).map((t) => t.dataSync() as Float32Array);
}

Deno.test("a model with '/'-named attention layers saves to disk and reloads with identical outputs", async () => {
  const model = buildModel();
  const x = tf.tensor2d(normals(rng(4), 3 * 10), [3, 10]);
  const before = outputs(model, x);
  const dir = await Deno.makeTempDir({ prefix: "task_attention_" });
  try {
    await model.save(dirHandler(dir));
    const json = JSON.parse(await Deno.readTextFile(join(dir, "model.json")));
    const names = json.weightsManifest[0].weights.map((w: { name: string }) => w.name);
    for (
      const n of [
        "smile/att_gender/wS",
        "smile/att_gender/wG",
        "smile/att_gender/bias",
        "gender/att_smile/wS",
      ]
    ) {
      assert.ok(names.includes(n), `weight ${n} missing from manifest: ${names}`);
    }
    const saved = json.modelTopology.config.layers.find((l: { name: string }) =>
      l.name === "smile/att_gender"
    );
    assert.equal(saved.class_name, "TaskAttention");
    assert.equal(saved.config.weights, "per_pair"); // tfjs snake-cases string values in model.json

    const loaded = await tf.loadLayersModel(dirHandler(dir));
    assert.deepEqual(outputs(loaded, x), before);
    const layer = loaded.getLayer("smile/att_gender");
    assert.ok(layer instanceof TaskAttention);
    assert.equal(layer.mode, "perPair");
    assert.equal(layer.useBias, true);
    assert.deepEqual(layer.getConfig(), model.getLayer("smile/att_gender").getConfig());
    assert.deepEqual(
      loaded.weights.map((w) => w.originalName),
      model.weights.map((w) => w.originalName),
    );
    loaded.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
    model.dispose();
  }
});

Deno.test("withSaveHandler / fromMemory round trip, and the reloaded model still trains", async () => {
  const model = buildModel();
  const x = tf.tensor2d(normals(rng(5), 4 * 10), [4, 10]);
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler((a) => {
    artifacts = a;
    return Promise.resolve({ modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) });
  }));
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
  assert.deepEqual(outputs(loaded, x), outputs(model, x));

  loaded.compile({ optimizer: tf.train.sgd(0.5), loss: "categoricalCrossentropy" });
  const y = tf.oneHot(tf.tensor1d([0, 1, 1, 0], "int32"), 2);
  const att = loaded.getLayer("smile/att_gender");
  const w0 = att.getWeights().map((t) => t.dataSync().slice());
  await loaded.trainOnBatch(x, [y, y]);
  att.getWeights().forEach((t, i) => assert.notDeepEqual(t.dataSync(), w0[i], `weight ${i} did not train`));
  model.dispose();
  loaded.dispose();
});

Deno.test("getConfig → fromConfig gives the same config", () => {
  const configs: TaskAttentionConfig[] = [
    {},
    { name: "smile/att_gender", kernelInitializer: "he_normal" },
    { weights: "shared", bias: true, biasInitializer: "ones" },
    { weights: "perPair", bias: true, kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) },
  ];
  for (const weights of TASK_ATTENTION_WEIGHTS) configs.push({ weights, trainable: false });
  const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap["TaskAttention"];
  for (const cfg of configs) {
    const a = new TaskAttention(cfg);
    const config = a.getConfig();
    // Both the class's own fromConfig and what tfjs deserialization calls, also after a JSON trip.
    const b = TaskAttention.fromConfig(TaskAttention, config) as TaskAttention;
    const c = fromConfig(cls, JSON.parse(JSON.stringify(config))) as TaskAttention;
    assert.ok(c instanceof TaskAttention);
    assert.deepEqual(b.getConfig(), config);
    assert.deepEqual(JSON.parse(JSON.stringify(c.getConfig())), JSON.parse(JSON.stringify(config)));
  }
  const cfg = new TaskAttention({ weights: "shared", bias: true }).getConfig();
  assert.equal(cfg.weights, "shared");
  assert.equal(cfg.bias, true);
  assert.deepEqual((cfg.kernelInitializer as { className: string }).className, "VarianceScaling");
});

Deno.test("registration is safe to repeat, across module copies; a foreign class is refused", async () => {
  assert.deepEqual(registerProjectLayers(), ["TaskAttention"]);
  assert.deepEqual(registerProjectLayers(), ["TaskAttention"]);
  registerTaskAttention();
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  assert.equal(map["TaskAttention"][0], TaskAttention);

  // Same specifier: the cached module. A query string: a second copy with its own class object.
  const modUrl = new URL("../../src/layers/mod.ts", import.meta.url).href;
  const again = await import(modUrl);
  assert.equal(again.TaskAttention, TaskAttention);
  const copy = await import(new URL("../../src/layers/task_attention.ts?copy=2", import.meta.url).href);
  assert.notEqual(copy.TaskAttention, TaskAttention);
  copy.registerTaskAttention();
  assert.equal(map["TaskAttention"][0], TaskAttention, "the first registered copy stays");

  // A different class that took the name would make saved models load as the wrong layer.
  const saved = map["TaskAttention"];
  class Impostor extends tf.layers.Layer {
    static className = "TaskAttention";
  }
  try {
    map["TaskAttention"] = [Impostor, Impostor.fromConfig];
    assert.throws(() => registerTaskAttention(), /already has a different class named "TaskAttention"/);
  } finally {
    map["TaskAttention"] = saved;
  }
});
