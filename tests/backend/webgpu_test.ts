/**
 * WebGPU in Deno: `train`, `eval` and `predict` with `--backend webgpu` run end to end (every read in
 * them is asynchronous; tfjs-webgpu's synchronous read needs a 2D canvas, which Deno lacks) and agree
 * with wasm on the same tiny run within stated tolerances. Here the adapter is Mesa's software Vulkan
 * driver (lavapipe, Debian's mesa-vulkan-drivers, which .ci/run installs): under CI these tests fail
 * rather than skip without an adapter; elsewhere they are skipped, saying why.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { join } from "node:path";
import { useBackend } from "../../src/backend/mod.ts";
import { probeAdapter } from "../../src/backend/webgpu.ts";
import { addInGroups } from "../../src/backend/webgpu_addn.ts";
import { readMetrics, readWeights } from "../../src/run/mod.ts";
import { assertExit, runDeno } from "../child.ts";
import { fixtureData, tempRuns, TINY_ATTENTION } from "../train/helpers.ts";

const { info: ADAPTER, reason: NO_ADAPTER } = await probeAdapter();
const SKIP = !ADAPTER && !Deno.env.get("CI");
if (SKIP) {
  console.warn(
    `webgpu tests skipped: ${NO_ADAPTER} (apt-get install mesa-vulkan-drivers for a software one)`,
  );
}
const webgpuTest = (name: string) => ({
  name: SKIP ? `${name} (ignored: ${NO_ADAPTER})` : name,
  ignore: SKIP,
});

/**
 * WebGPU against wasm: both float32, but the GPU sums and fuses in its own order. Measured on lavapipe:
 * losses and probabilities differ by at most 6e-8, weights after the 8 Adam steps by 1.6e-6. The limits
 * leave room for a hardware GPU's arithmetic; a broken kernel (AddN past 7 inputs returned stale
 * memory) misses them by orders of magnitude.
 */
const TOLERANCE = {
  /** |Δ| of per-epoch losses (train and validation) and of `eval`'s losses (values ≈ 0.7). */
  loss: 1e-5,
  /** |Δ| of every weight after the run: a tenth of one Adam step at lr 2e-3. */
  weight: 2e-4,
  /** |Δ| of every class probability `predict` prints. */
  probability: 1e-5,
};

Deno.test("addInGroups: a left fold in groups of at most `limit`, each partial sum disposed once", () => {
  for (const [n, limit] of [[1, 7], [7, 7], [8, 7], [9, 7], [20, 7], [51, 7], [5, 2]]) {
    const inputs = Array.from({ length: n }, (_, i) => `<${i}>`);
    const groups: number[] = [];
    const made: string[] = [];
    const disposed: string[] = [];
    const sum = addInGroups(inputs, limit, (group) => {
      groups.push(group.length);
      const s = `(${group.join("+")})`;
      made.push(s);
      return s;
    }, (partial) => disposed.push(partial));
    // String concatenation shows the order: every input once, left to right.
    assert.equal(sum.replace(/[()+]/g, ""), inputs.join(""), `n ${n}`);
    assert.ok(groups.every((g) => g >= 1 && g <= limit), `n ${n}: groups ${groups}`);
    assert.deepEqual(disposed, made.slice(0, -1), `n ${n}: every partial but the result is disposed`);
  }
  assert.throws(() => addInGroups([1, 2, 3], 1, (g) => g[0], () => {}), /limit of 1/);
});

Deno.test(
  webgpuTest("tf.addN on webgpu is right for any number of inputs (stock AddN is not past 7)"),
  async () => {
    await useBackend("webgpu");
    for (const n of [2, 7, 8, 9, 51]) {
      const parts = Array.from({ length: n }, (_, i) => tf.fill([3], i + 1));
      const sum = tf.addN(parts);
      assert.deepEqual([...await sum.data()], new Array(3).fill(n * (n + 1) / 2), `${n} inputs`);
      tf.dispose([...parts, sum]);
    }
  },
);

const PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-ffi", "--allow-sys"];
const cli = (name: string) => new URL(`../../src/cli/${name}.ts`, import.meta.url).pathname;

async function command(name: string, args: string[], backend: string): Promise<string> {
  const r = await runDeno(["run", ...PERMS, cli(name), ...args, "--backend", backend], {
    timeoutMs: 300_000,
    // As over ssh or in a container: the probe must keep Mesa's "XDG_RUNTIME_DIR is invalid" line away.
    env: { XDG_RUNTIME_DIR: "" },
  });
  assertExit(r, 0, `${name} --backend ${backend}`);
  assert.doesNotMatch(r.stderr, /XDG_RUNTIME_DIR|error/i, `${name} --backend ${backend}: stderr`);
  return r.stdout;
}

/** Trains the tiny attention graph (2 epochs of 4 steps, 2 passes a step), then evaluates and predicts. */
async function trainEvalPredict(backend: string, runs: string, data: string, images: string[]) {
  const train = await command("train", [
    TINY_ATTENTION,
    ...["--data", data, "--input-size", "32", "--epochs", "2", "--batch-size", "16", "--micro-batch", "8"],
    ...["--lr", "2e-3", "--seed", "7", "--runs", runs, "--run-id", backend, "--cache", join(runs, ".cache")],
    "--no-curves",
  ], backend);
  const runDir = join(runs, "tiny_attention_mtl", backend);
  const evaluation = JSON.parse(
    await command("eval", [
      runDir,
      "--split",
      "val",
      "--weights",
      "last",
      "--json",
      "--cache",
      join(runs, ".cache"),
    ], backend),
  )[0];
  const predictions = JSON.parse(
    await command("predict", [runDir, ...images, "--weights", "last", "--json"], backend),
  );
  return {
    train,
    records: await readMetrics(runDir),
    weights: await readWeights(join(runDir, "checkpoints", "step-00000008", "model.json")),
    evaluation,
    predictions: predictions as { heads: Record<string, { probabilities: Record<string, number> }> }[],
  };
}

const largest = (values: number[]) => Math.max(0, ...values);

Deno.test(webgpuTest("train, eval and predict with --backend webgpu agree with wasm"), async () => {
  const data = await fixtureData();
  const runs = await tempRuns();
  const images = ["000001.jpg", "000042.jpg", "000077.jpg"].map((f) => join(data, "img_align_celeba", f));
  const gpu = await trainEvalPredict("webgpu", runs, data, images);
  const wasm = await trainEvalPredict("wasm", runs, data, images);
  assert.match(gpu.train, /^backend: webgpu \(/m, "the run says it trained on webgpu");

  assert.equal(gpu.records.length, 2);
  const diffs = { loss: [] as number[], weight: [] as number[], probability: [] as number[] };
  for (const [e, g] of gpu.records.entries()) {
    const w = wasm.records[e];
    diffs.loss.push(Math.abs(g.loss - w.loss));
    for (const h of Object.keys(w.headLoss)) {
      diffs.loss.push(Math.abs(g.headLoss[h] - w.headLoss[h]), Math.abs(g.valLoss[h] - w.valLoss[h]));
      // A tiny difference moves no arg-max on these 64 + 8 faces: the counts are the same.
      assert.equal(g.trainAccuracy[h], w.trainAccuracy[h], `epoch ${e + 1} ${h} train accuracy`);
      assert.equal(g.valAccuracy[h], w.valAccuracy[h], `epoch ${e + 1} ${h} val accuracy`);
    }
  }
  for (const [name, t] of Object.entries(wasm.weights)) {
    const [a, b] = [await gpu.weights[name].data(), await t.data()];
    diffs.weight.push(largest(Array.from(a, (v, i) => Math.abs(v - b[i]))));
  }
  for (const h of Object.keys(wasm.evaluation.accuracy)) {
    assert.equal(gpu.evaluation.accuracy[h], wasm.evaluation.accuracy[h], `eval ${h} accuracy`);
    diffs.loss.push(Math.abs(gpu.evaluation.loss[h] - wasm.evaluation.loss[h]));
  }
  assert.equal(gpu.predictions.length, images.length);
  for (const [i, p] of wasm.predictions.entries()) {
    for (const [h, { probabilities }] of Object.entries(p.heads)) {
      for (const [c, v] of Object.entries(probabilities)) {
        diffs.probability.push(Math.abs(gpu.predictions[i].heads[h].probabilities[c] - v));
      }
    }
  }
  const worst = Object.fromEntries(Object.entries(diffs).map(([k, v]) => [k, largest(v)]));
  console.log(`webgpu vs wasm, largest |Δ|: ${JSON.stringify(worst)}`);
  for (const k of Object.keys(TOLERANCE) as (keyof typeof TOLERANCE)[]) {
    assert.ok(diffs[k].length > 0, `${k}: something was compared`);
    assert.ok(worst[k] <= TOLERANCE[k], `${k}: |Δ| ${worst[k]} over ${TOLERANCE[k]}`);
  }
  tf.dispose([...Object.values(gpu.weights), ...Object.values(wasm.weights)]);
});
