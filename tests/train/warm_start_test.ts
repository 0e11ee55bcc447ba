/**
 * Warm start by weight name: TMTL → attention MTL (the paper's protocol), shape mismatches skipped, and
 * Keras-named ResNet50 weights filling graphs/tmtl.ts, each branch's conv5_block3 copy from the
 * unprefixed block.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { compileFile, compileSpec } from "../../src/compiler/mod.ts";
import { graph } from "../../src/dsl/mod.ts";
import { attributeHead, small } from "../../stdlib/mod.ts";
import { saveModelDir } from "../../src/run/mod.ts";
import { buildSeededModel } from "../../src/train/setup.ts";
import { formatWarmStart, resolveModelSource, warmStart } from "../../src/train/warm_start.ts";
import { lowerToModel } from "../../src/compiler/lower.ts";
import { RESNET50_KERAS, tempRuns, TINY_ATTENTION, TINY_TMTL, wasmBackend } from "./helpers.ts";

const headNames = ["smile", "gender"];

Deno.test("TMTL weights initialise the attention MTL: all shared weights match, attention weights are new", async () => {
  await wasmBackend();
  const dir = join(await tempRuns(), "tmtl-model");
  const source = buildSeededModel((await compileFile(TINY_TMTL)).ir, 1);
  await saveModelDir(source, dir);
  const target = buildSeededModel((await compileFile(TINY_ATTENTION)).ir, 2);
  const r = await warmStart(target, dir, headNames);
  assert.equal(r.source, join(dir, "model.json"));
  assert.equal(r.matched.length, source.weights.length);
  assert.deepEqual(r.fresh.sort(), [
    "gender/att_smile/wG",
    "gender/att_smile/wS",
    "smile/att_gender/wG",
    "smile/att_gender/wS",
  ]);
  assert.equal(r.skipped.length, 0);
  assert.equal(r.fromUnprefixed.length, 0);
  const kernel = (m: typeof source) => m.getLayer("gender/fc").getWeights()[0].dataSync();
  assert.deepEqual(kernel(target), kernel(source));
  assert.match(
    formatWarmStart(r),
    new RegExp(
      `^init-from .*model\\.json: ${source.weights.length} weights matched, 4 new, 0 skipped \\(shape mismatch\\)$`,
    ),
  );
});

Deno.test("--init-from takes a run directory (its best/ model) or a graph's folder of runs (its newest run)", async () => {
  const runs = await tempRuns();
  for (const [id, delay] of [["b-older", 0], ["a-newer", 20]] as const) {
    await new Promise((r) => setTimeout(r, delay));
    await Deno.mkdir(join(runs, "tmtl", id, "best"), { recursive: true });
    await Deno.writeTextFile(join(runs, "tmtl", id, "best", "model.json"), '{"weightsManifest": []}');
    await Deno.writeTextFile(join(runs, "tmtl", id, "config.json"), "{}");
  }
  assert.equal(
    await resolveModelSource(join(runs, "tmtl", "b-older")),
    join(runs, "tmtl", "b-older", "best", "model.json"),
  );
  assert.equal(
    await resolveModelSource(join(runs, "tmtl")),
    join(runs, "tmtl", "a-newer", "best", "model.json"),
  );
  await assert.rejects(() => resolveModelSource(join(runs, "none")), /not found/);
});

Deno.test("weights with the same name but another shape are skipped and reported", async () => {
  await wasmBackend();
  const dir = join(await tempRuns(), "tmtl-model");
  await saveModelDir(buildSeededModel((await compileFile(TINY_TMTL)).ir, 1), dir);
  const narrow = graph({
    name: "narrow",
    input: [32, 32, 3],
    trunk: [small.trunk([8, 16])],
    heads: {
      smile: attributeHead("Smiling", ["n", "s"], { branch: [small.block("stage3", 16, 2)], fc: 8 }),
      gender: attributeHead("Male", ["f", "m"], { branch: [small.block("stage3", 16, 2)], fc: 8 }),
    },
  });
  const target = lowerToModel(compileSpec(narrow).ir);
  const r = await warmStart(target, join(dir, "model.json"), headNames);
  // fc kernels [16,8] vs [16,16], fc biases [8] vs [16], out kernels [8,2] vs [16,2]: 3 per head.
  assert.equal(r.skipped.length, 6);
  assert.deepEqual(r.skipped.find((s) => s.name === "smile/fc/kernel"), {
    name: "smile/fc/kernel",
    expected: [16, 8],
    found: [16, 16],
  });
  assert.equal(r.matched.length, target.weights.length - 6);
  assert.equal(r.unused, 0);
  assert.match(
    formatWarmStart(r),
    /0 new, 6 skipped \(shape mismatch\)\n {2}skipped smile\/fc\/kernel: model \[16,8\], source \[16,16\]/,
  );
});

Deno.test("Keras-named ResNet50 weights fill every trunk and branch weight of graphs/tmtl.ts", async () => {
  await wasmBackend();
  const dir = join(await tempRuns(), "resnet50");
  const keras = buildSeededModel((await compileFile(RESNET50_KERAS)).ir, 5);
  await saveModelDir(keras, dir);
  const { ir } = await compileFile("graphs/tmtl.ts", { inputSize: 64 });
  const tmtl = lowerToModel(ir);
  const r = await warmStart(tmtl, join(dir, "model.json"), headNames);
  const headOwn = /^(smile|gender)\/(fc|out)\//;
  assert.deepEqual(
    r.fresh.sort(),
    tmtl.weights.map((w) => w.originalName).filter((n) => headOwn.test(n)).sort(),
  );
  assert.equal(r.fresh.length, 8);
  assert.equal(r.skipped.length, 0);
  assert.equal(r.matched.length, tmtl.weights.length - 8);
  const branch = tmtl.weights.map((w) => w.originalName).filter((n) =>
    /^(smile|gender)\/conv5_block3_/.test(n)
  );
  assert.ok(branch.length > 0);
  assert.deepEqual(r.fromUnprefixed.sort(), branch.sort());
  for (const name of ["smile/conv5_block3_2_conv", "gender/conv5_block3_3_bn"]) {
    const got = tmtl.getLayer(name).getWeights().map((t) => t.dataSync());
    const want = keras.getLayer(name.split("/")[1]).getWeights().map((t) => t.dataSync());
    assert.deepEqual(got, want, name);
  }
  assert.deepEqual(
    tmtl.getLayer("conv4_block6_3_conv").getWeights()[0].dataSync(),
    keras.getLayer("conv4_block6_3_conv").getWeights()[0].dataSync(),
  );
  // Source weights no target weight used: the throwaway head's fc and out.
  assert.equal(r.unused, 4);
});
