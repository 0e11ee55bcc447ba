import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { compileFile, compileSpec } from "../../src/compiler/mod.ts";
import { lowerToModel } from "../../src/compiler/lower.ts";

const root = new URL("../../", import.meta.url).pathname;

Deno.test("params: ResNet50 without top has Keras' 23,587,712 parameters", () => {
  const { ir } = compileSpec({
    name: "r50",
    input: [224, 224, 3],
    trunk: [{ use: "resnet50" }],
    heads: { a: { branch: ["gap"], fc: 8, classes: ["n", "y"] } },
  });
  const trunk = ir.nodes.filter((n) => n.scope === "trunk");
  assert.equal(trunk.reduce((p, n) => p + n.params, 0), 23_587_712);
  assert.equal(trunk.at(-1)!.name, "conv5_block3_out");
  assert.deepEqual(trunk.at(-1)!.shape, [7, 7, 2048]);
});

Deno.test("params: TMTL 28,322,052 and attention MTL 28,322,308, in the IR and in the tfjs model", async () => {
  await tf.setBackend("cpu");
  for (
    const [file, total] of [["graphs/tmtl.ts", 28_322_052], ["graphs/attention_mtl.ts", 28_322_308]] as const
  ) {
    const { ir } = await compileFile(root + file);
    assert.equal(ir.totalParams, total, file);
    const model = lowerToModel(ir);
    assert.equal(model.countParams(), total, file);
    // Every IR node's inferred shape is what tfjs infers.
    for (const n of ir.nodes.filter((n) => n.op !== "input")) {
      assert.deepEqual(model.getLayer(n.name).outputShape, [null, ...n.shape], n.name);
    }
    tf.disposeVariables();
  }
});

Deno.test("params: each paper attention edge adds exactly 128 parameters", async () => {
  const { ir } = await compileFile(root + "graphs/attention_mtl.ts");
  const edges = ir.nodes.filter((n) => n.op === "attention");
  assert.deepEqual(edges.map((n) => [n.name, n.params]), [["smile/att_gender", 128], [
    "gender/att_smile",
    128,
  ]]);
});
