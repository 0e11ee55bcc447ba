import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import type { ImageSet } from "../../src/data/mod.ts";
import { layerActivations, representationLayers, sampleGroups } from "../../src/eval/embeddings.ts";
import { compileSpec } from "../../src/compiler/mod.ts";
import { lowerToModel } from "../../src/compiler/lower.ts";
import { useBackend } from "../../src/backend/mod.ts";

const heads = [{ name: "smile", classes: ["no", "yes"] }, { name: "gender", classes: ["f", "m"] }];

function fakeSet(smile: number[], gender: number[], size = 8): ImageSet {
  const count = smile.length;
  const pixels = new Uint8Array(count * size * size * 3).map((_, i) => (i * 7) % 256);
  return {
    size,
    count,
    pixels,
    labels: { smile: Int32Array.from(smile), gender: Int32Array.from(gender) },
    ids: smile.map((_, i) => String(i)),
    problems: [],
    decoded: 0,
    fromCache: false,
  };
}

Deno.test("embeddings: a balanced, seeded sample per (smile × gender) group", () => {
  const smile = Array.from({ length: 40 }, (_, i) => i % 2);
  const gender = Array.from({ length: 40 }, (_, i) => (i < 30 ? Math.floor(i / 2) % 2 : 1));
  const set = fakeSet(smile, gender);
  const s = sampleGroups(set, heads, 5, 1);
  const count = (g: string) => s.groups.filter((x) => x === g).length;
  assert.deepEqual(["no · f", "no · m", "yes · f", "yes · m"].map(count), [5, 5, 5, 5]);
  for (const [i, row] of s.rows.entries()) {
    assert.equal(`${heads[0].classes[smile[row]]} · ${heads[1].classes[gender[row]]}`, s.groups[i]);
  }
  assert.equal(new Set(s.rows).size, s.rows.length, "no image twice");
  assert.deepEqual(sampleGroups(set, heads, 5, 1), s, "same seed, same sample");
  assert.notDeepEqual(sampleGroups(set, heads, 5, 2).rows, s.rows);
  assert.equal(sampleGroups(set, heads, 100, 1).available["no · f"], 8);
});

Deno.test("embeddings: FC and attended layers, titled in the paper's notation, and their activations", async () => {
  await useBackend("cpu");
  const { ir } = compileSpec({
    name: "tiny",
    input: [8, 8, 3],
    trunk: [{ op: "conv2d", name: "c", filters: 4, kernel: 3 }],
    heads: {
      smile: { branch: ["gap"], fc: 6, classes: ["no", "yes"], dependsOn: { gender: { kind: "attention" } } },
      gender: { branch: ["gap"], fc: 5, classes: ["f", "m"], dependsOn: { smile: { kind: "attention" } } },
    },
  });
  const model = lowerToModel(ir);
  const layers = representationLayers(model, ["smile", "gender"]);
  assert.deepEqual(layers.map((l) => l.title), [
    "smile/fc  (FC_S)",
    "smile/att_gender  (FC_S|CG)",
    "gender/fc  (FC_G)",
    "gender/att_smile  (FC_G|CS)",
  ]);
  const set = fakeSet([0, 1, 0], [1, 0, 0]);
  const acts = await layerActivations(model, layers.map((l) => l.layer), set, [2, 0], 1);
  assert.deepEqual(acts.map((a) => [a.length, a[0].length]), [[2, 6], [2, 5], [2, 5], [2, 6]]);
  // Row order follows `rows`: image 0's FC activations equal a direct forward pass.
  const probe = tf.model({
    inputs: model.inputs,
    outputs: model.getLayer("smile/fc").output as tf.SymbolicTensor,
  });
  const x = tf.tensor4d(Float32Array.from(set.pixels.subarray(0, 192), (v) => v / 255), [1, 8, 8, 3]);
  const direct = (probe.predict(x) as tf.Tensor).arraySync() as number[][];
  direct[0].forEach((v, k) => assert.ok(Math.abs(v - acts[0][1][k]) < 1e-5));
  model.dispose();
});
