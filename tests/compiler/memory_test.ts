// The training-memory model reads the IR's shapes and parameter counts, not layer names.
import assert from "node:assert/strict";
import { compileFile, compileSpec, estimateTrainingMemory } from "../../src/compiler/mod.ts";
import { autoMicroBatch, chooseMicroBatch, memoryBudgetMiB } from "../../src/train/accumulate.ts";

const root = new URL("../../", import.meta.url).pathname;

const heads = {
  smile: { branch: ["gap"], fc: 16, classes: ["n", "y"], dependsOn: { gender: { kind: "attention" } } },
  gender: { branch: ["gap"], fc: 16, classes: ["f", "m"] },
};

/** The small trunk with widths [8] (stem and one stage), spelled out under other names. */
function renamedSmallTrunk(prefix: string) {
  const conv = (name: string, filters: number, kernel: number, strides: number, inputs?: string[]) => ({
    op: "conv2d",
    name: prefix + name,
    filters,
    kernel,
    strides,
    padding: "same",
    useBias: false,
    ...(inputs ? { inputs: inputs.map((i) => prefix + i) } : {}),
  });
  const bn = (name: string) => ({ op: "batchnorm", name: prefix + name, momentum: 0.9 });
  const relu = (name: string) => ({ op: "activation", name: prefix + name, fn: "relu" });
  return [
    conv("a", 8, 3, 1),
    bn("b"),
    relu("c"),
    conv("d", 8, 3, 2, ["c"]),
    bn("e"),
    relu("f"),
    conv("g", 8, 3, 1),
    bn("h"),
    conv("i", 8, 1, 2, ["c"]),
    bn("j"),
    { op: "add", name: prefix + "k", inputs: [prefix + "j", prefix + "h"] },
    relu("l"),
  ];
}

Deno.test("memory: the same shapes give the same estimate whatever the layers are called", () => {
  const viaFragment =
    compileSpec({ name: "m", input: [64, 64, 3], trunk: [{ use: "small_trunk", widths: [8] }], heads })
      .ir;
  const renamed = compileSpec({ name: "m", input: [64, 64, 3], trunk: renamedSmallTrunk("x"), heads }).ir;
  const resnetLike =
    compileSpec({ name: "m", input: [64, 64, 3], trunk: renamedSmallTrunk("conv1_"), heads }).ir;
  assert.equal(viaFragment.totalParams, renamed.totalParams, "the spelled-out trunk is the small trunk");
  assert.deepEqual(estimateTrainingMemory(renamed), estimateTrainingMemory(viaFragment));
  assert.deepEqual(estimateTrainingMemory(resnetLike), estimateTrainingMemory(viaFragment));
});

Deno.test("memory: activations grow with the pixels, fixed memory with the parameters", () => {
  const at = (size: number) =>
    estimateTrainingMemory(
      compileSpec({ name: "m", input: [size, size, 3], trunk: renamedSmallTrunk(""), heads }).ir,
    );
  const [small, large] = [at(64), at(128)];
  assert.equal(small.fixedMiB, large.fixedMiB);
  const ratio = large.perImageMiB / small.perImageMiB;
  assert.ok(ratio > 3.9 && ratio <= 4, `per-image memory ×${ratio.toFixed(3)} for ×4 pixels`);
  const wider = estimateTrainingMemory(
    compileSpec({
      name: "m",
      input: [64, 64, 3],
      trunk: renamedSmallTrunk(""),
      heads: { ...heads, smile: { ...heads.smile, fc: 4096 } },
    }).ir,
  );
  assert.ok(wider.fixedMiB > small.fixedMiB);
});

Deno.test("memory: micro-batches on wasm stay where they were measured", async () => {
  assert.equal(chooseMicroBatch(224, "wasm"), 3);
  assert.ok(chooseMicroBatch(64, "wasm", { trunk: "small" }) >= 64);
  const resnet = (await compileFile(root + "graphs/attention_mtl.ts")).ir;
  const small = (await compileFile(root + "examples/small_attention_mtl.ts")).ir;
  assert.equal(autoMicroBatch("wasm")(resnet, 64), 3);
  assert.equal(autoMicroBatch("wasm")(small, 64), 64);
  assert.ok(autoMicroBatch("wasm")(small, 1000) > 100);
  // Four ResNet50 branches keep more activations than two.
  const four = (await compileFile(root + "examples/celeba_four.ts")).ir;
  assert.ok(autoMicroBatch("wasm")(four, 64) <= autoMicroBatch("wasm")(resnet, 64));
});

Deno.test("memory: oneDNN's budget is most of the machine's memory", () => {
  const totalMiB = Deno.systemMemoryInfo().total / 2 ** 20;
  const budget = memoryBudgetMiB("onednn");
  assert.ok(budget > 0.5 * totalMiB && budget < totalMiB, `${budget} MiB of ${totalMiB.toFixed(0)}`);
  assert.ok(
    autoMicroBatch("onednn")(
      compileSpec({ name: "m", input: [64, 64, 3], trunk: renamedSmallTrunk(""), heads }).ir,
      10_000,
    ) > 1,
  );
});
