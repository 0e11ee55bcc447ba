/**
 * The PyTorch export against the tfjs model it comes from: for every graph in graphs/ and examples/
 * (ResNet50 graphs compiled at 32×32 to stay fast) and a fixture with every op and edge variant, the
 * exported model has the IR's parameter total (Keras' count, batch-norm statistics included) and,
 * with the same weights (random, batch-norm statistics too) and input, the same softmax outputs in
 * eval mode as the tfjs model on the wasm backend (max abs diff ≤ 1e-4). Weights saved by model.py
 * come back to the runtime bit for bit and load as a tfjs model.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { compileFile } from "../../src/compiler/mod.ts";
import { exportPytorch } from "../../src/export/mod.ts";
import { registerProjectLayers } from "../../src/layers/mod.ts";
import { dirSaveHandler, fileLoadHandler, readWeights } from "../../src/run/model_files.ts";
import { buildSeededModel } from "../../src/train/setup.ts";
import { Rng } from "../../src/util/rng.ts";
import { wasmBackend } from "../train/helpers.ts";
import { HAS_TORCH, maxAbsDiff, PYTHON, run, script, torchTestName } from "./helpers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const GRAPH_FILE = /\.(ts|ya?ml|json)$/;

/** Every graph file of graphs/ and examples/, plus the variants fixture. */
function graphFiles(): string[] {
  const files = ["graphs", "examples"].flatMap((dir) =>
    [...Deno.readDirSync(join(ROOT, dir))].filter((e) => e.isFile && GRAPH_FILE.test(e.name))
      .map((e) => join(dir, e.name))
  );
  return [...files.sort(), "tests/export/fixtures/variants.ts"];
}

/**
 * Random values where initial ones are constants: biases, batch-norm scale, offset and statistics, and
 * attention's learned log inverse temperature (so β ≠ 1 is compared too).
 */
function randomizeConstants(model: tf.LayersModel, seed: number): void {
  const rng = new Rng(seed);
  for (const w of model.weights) {
    const kind = w.originalName.split("/").at(-1)!;
    const [lo, hi] = kind === "gamma" || kind === "moving_variance"
      ? [0.5, 1.5]
      : ["beta", "moving_mean", "bias"].includes(kind)
      ? [-0.3, 0.3]
      : kind === "logBeta"
      ? [-0.5, 1.5]
      : [0, 0];
    if (hi === 0) continue;
    const values = Float32Array.from(
      { length: w.shape.reduce((a, b) => a! * b!, 1)! },
      () => rng.range(lo, hi),
    );
    tf.tidy(() => {
      w.write(tf.tensor(values, w.shape as number[]));
    });
  }
}

/** Softmax outputs of all heads for `x`, concatenated in head order. */
function predictAll(model: tf.LayersModel, x: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const out = model.predict(x);
    return tf.concat((Array.isArray(out) ? out : [out]).map((o) => o.reshape([-1]))) as tf.Tensor1D;
  });
}

/** How many outputs lie in (0.02, 0.98): a saturated softmax would hide differences upstream. */
const unsaturated = (p: Float32Array) => p.filter((v) => v > 0.02 && v < 0.98).length;

/**
 * Scales the classifiers (`<head>/out`) down until at least a quarter of the outputs for `x` are
 * unsaturated: random weights and batch-norm statistics through ResNet50 give large logits.
 */
function tameClassifiers(model: tf.LayersModel, x: tf.Tensor): void {
  for (let tries = 0; tries < 10; tries++) {
    const p = predictAll(model, x);
    const enough = unsaturated(p.dataSync() as Float32Array) >= p.size / 4;
    p.dispose();
    if (enough) return;
    for (const w of model.weights.filter((w) => /\/out\/(kernel|bias)$/.test(w.originalName))) {
      tf.tidy(() => {
        w.write(tf.mul(w.read(), 0.1));
      });
    }
  }
}

interface Case {
  graph: string;
  params: number;
  outputs: Float32Array;
  dir: string;
  run: string;
}

Deno.test({
  name: torchTestName("export: each graph's PyTorch model has the IR's parameters and the tfjs outputs"),
  ignore: !HAS_TORCH,
  sanitizeResources: false,
  fn: async () => {
    await wasmBackend();
    const tmp = await Deno.makeTempDir({ prefix: "export-models-" });
    const cases: Case[] = [];
    const jobs: Record<string, unknown>[] = [];
    for (const [i, graph] of graphFiles().entries()) {
      const inputSize = graph.startsWith("tests/") ? undefined : 32;
      const { ir } = await compileFile(join(ROOT, graph), { inputSize });
      const model = buildSeededModel(ir, 100 + i);
      randomizeConstants(model, 200 + i);
      const name = basename(graph).replace(".", "_");
      const shape = [2, ...ir.input];
      const x = tf.randomUniform(shape, 0, 1, "float32", 300 + i);
      tameClassifiers(model, x);
      const runDir = join(tmp, name, "run");
      await model.save(dirSaveHandler(runDir));
      const dir = join(tmp, name, "pytorch");
      const exported = await exportPytorch({
        graph: join(ROOT, graph),
        out: dir,
        weights: runDir,
        inputSize,
      });
      assert.equal(exported.params, ir.totalParams, `${graph}: plan vs IR`);
      const outputs = predictAll(model, x);
      await Deno.writeFile(join(tmp, name, "input.bin"), new Uint8Array((await x.data()).buffer));
      cases.push({
        graph,
        params: ir.totalParams,
        outputs: (await outputs.data()) as Float32Array,
        dir,
        run: runDir,
      });
      jobs.push({
        dir,
        input: join(tmp, name, "input.bin"),
        shape,
        output: join(tmp, name, "torch.bin"),
        ...(/small_attention|variants/.test(graph) ? { roundtrip: join(tmp, name, "roundtrip") } : {}),
      });
      tf.dispose([x, outputs]);
      model.dispose();
    }
    await Deno.writeTextFile(join(tmp, "jobs.json"), JSON.stringify(jobs));
    const report = JSON.parse(
      (await run(PYTHON, [script("check_models.py"), join(tmp, "jobs.json")])).stdout,
    );

    const lines: string[] = [];
    for (const [i, c] of cases.entries()) {
      const r = report.models[i];
      assert.equal(r.params, c.params, `${c.graph}: PyTorch parameters (Keras' count)`);
      assert.equal(r.declared, c.params, `${c.graph}: PARAMS in model.py`);
      assert.deepEqual(
        r.buffers,
        ["num_batches_tracked", "running_mean", "running_var"].filter((b) => r.buffers.includes(b)),
      );
      const torchOut = new Float32Array((await Deno.readFile(jobs[i].output as string)).buffer);
      const diff = maxAbsDiff(torchOut, c.outputs);
      const spread = unsaturated(c.outputs);
      console.log(
        `${c.graph.padEnd(40)} ${c.params.toLocaleString("en-US").padStart(11)} params  max |Δ| ${
          diff.toExponential(2)
        }  (${spread}/${c.outputs.length} outputs in (0.02, 0.98))`,
      );
      assert.ok(diff <= 1e-4, `${c.graph}: max abs diff ${diff}`);
      assert.ok(spread > 0, `${c.graph}: every output saturated; the comparison would say little`);
    }
    const attentionMtl = cases.find((c) => c.graph === "graphs/attention_mtl.ts");
    assert.equal(attentionMtl?.params, 28_322_308);
    assert.ok(report.attentionGap < 1e-6, `TaskAttention vs the plain loop: ${report.attentionGap}`);
    console.log(lines.join("\n"));

    for (const [i, job] of jobs.entries()) {
      if (!job.roundtrip) continue;
      await checkRoundtrip(cases[i], job.roundtrip as string, job.input as string);
    }
    await Deno.remove(tmp, { recursive: true });
  },
});

/** Weights saved by model.py equal the run's bit for bit, and load as the runtime's tfjs model. */
async function checkRoundtrip(c: Case, dir: string, inputFile: string): Promise<void> {
  const original = await readWeights(join(c.run, "model.json"));
  const back = await readWeights(join(dir, "model.json"));
  assert.deepEqual(Object.keys(back).sort(), Object.keys(original).sort(), `${c.graph}: weight names`);
  for (const [name, t] of Object.entries(original)) {
    assert.deepEqual(back[name].shape, t.shape, name);
    assert.equal(maxAbsDiff(await back[name].data(), await t.data()), 0, `${c.graph}: ${name} changed`);
  }
  tf.dispose([...Object.values(original), ...Object.values(back)]);
  registerProjectLayers();
  const model = await tf.loadLayersModel(fileLoadHandler(join(dir, "model.json")));
  const shape = [2, ...(model.inputs[0].shape.slice(1) as number[])];
  const x = tf.tensor(new Float32Array((await Deno.readFile(inputFile)).buffer), shape);
  const flat = predictAll(model, x);
  assert.ok(maxAbsDiff(await flat.data(), c.outputs) < 1e-6, `${c.graph}: reloaded model's outputs`);
  tf.dispose([x, flat]);
  model.dispose();
}
