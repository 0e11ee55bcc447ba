// The op table against tfjs: for every op, the shape and parameter count that `infer` gives are what
// the layer that `lower` builds reports.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { batchNormalization, conv2d, taskAttention } from "../../src/layers/mod.ts";
import { HEAD_OPS, LAYER_OPS, type LowerKit, opDef, type OpName, type Shape } from "../../src/ops/mod.ts";
import { LayerSpec } from "../../src/schema/mod.ts";

const kit: LowerKit = { tf, batchNormalization, conv2d, taskAttention };

/** Attributes (as a graph would write them, parsed by the op's own fields) and input shapes per case. */
const CASES: [OpName, Record<string, unknown>, Shape[]][] = [
  ["conv2d", { filters: 5, kernel: 3 }, [[9, 9, 2]]],
  ["conv2d", { filters: 4, kernel: [1, 3], strides: [2, 1], padding: "same", useBias: false }, [[9, 8, 3]]],
  ["batchnorm", {}, [[4, 4, 6]]],
  ["activation", { fn: "tanh" }, [[3, 5]]],
  ["maxpool", { pool: 3, strides: 2 }, [[9, 9, 2]]],
  ["maxpool", { pool: [2, 3], padding: "same" }, [[7, 8, 2]]],
  ["zeropad", { padding: [1, 2] }, [[5, 5, 3]]],
  ["add", {}, [[4, 4, 2], [4, 4, 2], [4, 4, 2]]],
  ["gap", {}, [[5, 6, 7]]],
  ["flatten", {}, [[3, 4, 5]]],
  ["flatten", {}, [[3, 4]]],
  ["dense", { units: 7, activation: "relu" }, [[11]]],
  ["dropout", { rate: 0.3 }, [[6]]],
  ["attention", {}, [[8], [5]]],
  ["attention", { weights: "perPair", bias: true }, [[8], [5]]],
  ["attention", { weights: "shared", bias: true }, [[8], [5]]],
  ["concat", {}, [[3], [4], [5]]],
  ["mean", {}, [[6], [6]]],
];

Deno.test("ops: infer agrees with the tfjs layer lower builds, for every op of the table", async () => {
  await tf.setBackend("cpu");
  const covered = new Set<string>();
  for (const [op, written, shapes] of CASES) {
    const def = [...LAYER_OPS, ...HEAD_OPS].find((d) => d.op === op)!;
    const { z } = await import("zod");
    const attrs = z.strictObject(def.attrs).parse(written);
    const { shape, params } = opDef(op).infer(attrs as never, shapes, op);
    const inputs = shapes.map((s) => tf.input({ shape: s }));
    const layer = opDef(op).lower(attrs as never, `t_${op}`, kit);
    const out = layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor;
    assert.deepEqual(out.shape, [null, ...shape], `${op} ${JSON.stringify(written)}`);
    assert.equal(layer.countParams(), params, `${op} ${JSON.stringify(written)}`);
    covered.add(op);
  }
  tf.disposeVariables();
  assert.deepEqual(
    [...covered].sort(),
    [...LAYER_OPS, ...HEAD_OPS].map((d) => d.op).sort(),
    "every op has a case",
  );
});

Deno.test("ops: the graph schema's layer ops are the table's", () => {
  const schemaOps = LayerSpec.options.map((o) => o.shape.op.value).sort();
  assert.deepEqual(schemaOps, LAYER_OPS.map((d) => d.op).sort());
  for (const d of LAYER_OPS) {
    const fields = Object.keys(LayerSpec.options.find((o) => o.shape.op.value === d.op)!.shape);
    assert.deepEqual(fields, ["op", "name", "inputs", ...Object.keys(d.attrs)], d.op);
  }
});
