import assert from "node:assert/strict";
import { compileFile, compileSpec } from "../../src/compiler/mod.ts";
import tmtl from "../../graphs/tmtl.ts";
import attentionMtl from "../../graphs/attention_mtl.ts";

const root = new URL("../../", import.meta.url).pathname;

Deno.test("names: Keras ResNet50 names in the trunk, branch copies prefixed with their head", async () => {
  const { ir } = await compileFile(root + "graphs/tmtl.ts");
  const names = new Set(ir.nodes.map((n) => n.name));
  for (const n of ["conv1_conv", "conv2_block1_0_conv", "conv4_block6_out", "conv5_block2_out"]) {
    assert.ok(names.has(n), n);
  }
  assert.ok(!names.has("conv5_block3_1_conv"), "the trunk stops at conv5_block2_out");
  for (const h of ["smile", "gender"]) {
    for (const n of ["conv5_block3_1_conv", "conv5_block3_3_bn", "conv5_block3_out", "gap", "fc", "out"]) {
      assert.ok(names.has(`${h}/${n}`), `${h}/${n}`);
    }
  }
  const branchIn = ir.nodes.find((n) => n.name === "smile/conv5_block3_1_conv")!;
  assert.deepEqual(branchIn.inputs, ["conv5_block2_out"]);
  const add = ir.nodes.find((n) => n.name === "gender/conv5_block3_add")!;
  assert.deepEqual(add.inputs, ["conv5_block2_out", "gender/conv5_block3_3_bn"]);
});

Deno.test("names: come from paths, not creation order (recompiling or reordering heads changes nothing)", () => {
  const a = compileSpec(attentionMtl).ir;
  const b = compileSpec(attentionMtl).ir;
  const reordered = {
    ...attentionMtl,
    heads: { gender: attentionMtl.heads.gender, smile: attentionMtl.heads.smile },
  };
  const c = compileSpec(reordered).ir;
  const sorted = (ir: typeof a) => ir.nodes.map((n) => JSON.stringify(n)).sort();
  assert.deepEqual(a, b);
  assert.deepEqual(sorted(a), sorted(c));
});

Deno.test("names: attention MTL is TMTL plus exactly two attention nodes, all else equal", () => {
  const base = compileSpec(tmtl).ir;
  const att = compileSpec(attentionMtl).ir;
  const extra = att.nodes.filter((n) => !base.nodes.some((m) => m.name === n.name)).map((n) => n.name);
  assert.deepEqual(extra.sort(), ["gender/att_smile", "smile/att_gender"]);
  assert.equal(att.heads[0].representation, "smile/att_gender");
  assert.equal(base.heads[0].representation, "smile/fc");
});

Deno.test("names: the YAML graph lowers to exactly the same IR as the TS graph", async () => {
  const fromTs = await compileFile(root + "graphs/attention_mtl.ts");
  const fromYaml = await compileFile(root + "graphs/attention_mtl.yaml");
  assert.deepEqual(fromYaml.ir, fromTs.ir);
});
