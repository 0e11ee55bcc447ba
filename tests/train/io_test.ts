/**
 * The file IOHandlers: a model with attention layers saved as model.json + weights.bin loads back with
 * tf.loadLayersModel and predicts the same; sharded converter output reads; interrupted directory
 * replacements recover.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { compileFile } from "../../src/compiler/mod.ts";
import { registerProjectLayers } from "../../src/layers/mod.ts";
import { fileLoadHandler, readWeights, recoverDir, replaceDir, saveModelDir } from "../../src/run/mod.ts";
import { buildSeededModel } from "../../src/train/setup.ts";
import { tempRuns, TINY_ATTENTION, wasmBackend } from "./helpers.ts";

Deno.test("saveModelDir + fileLoadHandler round-trip a model with task-attention layers", async () => {
  await wasmBackend();
  const dir = join(await tempRuns(), "m");
  const model = buildSeededModel((await compileFile(TINY_ATTENTION)).ir, 4);
  await saveModelDir(model, dir);
  const json = JSON.parse(await Deno.readTextFile(join(dir, "model.json")));
  assert.equal(json.format, "layers-model");
  assert.deepEqual(json.weightsManifest[0].paths, ["weights.bin"]);
  registerProjectLayers();
  const loaded = await tf.loadLayersModel(fileLoadHandler(join(dir, "model.json")));
  const x = tf.randomUniform([2, 32, 32, 3], 0, 1, "float32", 1);
  const a = (model.predict(x) as tf.Tensor[]).map((t) => t.dataSync());
  const b = (loaded.predict(x) as tf.Tensor[]).map((t) => t.dataSync());
  assert.deepEqual(b, a);
  assert.equal(loaded.getLayer("smile/att_gender").getClassName(), "TaskAttention");
});

Deno.test("readWeights reads a manifest split over several weight files", async () => {
  const dir = await tempRuns();
  const { data, specs } = await tf.io.encodeWeights({ a: tf.tensor1d([1, 2, 3]), b: tf.tensor2d([[4, 5]]) });
  const bytes = new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
  await Deno.writeFile(join(dir, "group1-shard1of2.bin"), bytes.slice(0, 8));
  await Deno.writeFile(join(dir, "group1-shard2of2.bin"), bytes.slice(8));
  const manifest = [{ paths: ["group1-shard1of2.bin", "group1-shard2of2.bin"], weights: specs }];
  await Deno.writeTextFile(
    join(dir, "model.json"),
    JSON.stringify({ modelTopology: {}, weightsManifest: manifest }),
  );
  const w = await readWeights(join(dir, "model.json"));
  assert.deepEqual([...w.a.dataSync()], [1, 2, 3]);
  assert.deepEqual([...w.b.dataSync()], [4, 5]);
  await Deno.remove(join(dir, "group1-shard2of2.bin"));
  await assert.rejects(
    () => readWeights(join(dir, "model.json")),
    /weight file listed in model\.json not found/,
  );
});

Deno.test("recoverDir puts back a directory a killed replaceDir had moved away, and drops leftovers", async () => {
  const root = await tempRuns();
  const target = join(root, "best");
  await replaceDir(target, (tmp) => Deno.mkdir(tmp).then(() => Deno.writeTextFile(join(tmp, "v"), "1")));
  // Simulate a kill between "move the old one away" and "move the new one in".
  await Deno.rename(target, join(root, ".best.old-1-abc"));
  await Deno.mkdir(join(root, ".best.tmp-1-abc"));
  await recoverDir(target);
  assert.equal(await Deno.readTextFile(join(target, "v")), "1");
  const names = [];
  for await (const e of Deno.readDir(root)) names.push(e.name);
  assert.deepEqual(names, ["best"]);
});
