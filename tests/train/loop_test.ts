/**
 * The training loop end to end on a tiny graph: the loss falls, batch-norm moving statistics update
 * in the custom loop, and a run directory gets config.json, metrics.jsonl, checkpoints, best/ and curves.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { loadRunData, prepareNewRun } from "../../src/train/setup.ts";
import { runTraining } from "../../src/train/loop.ts";
import { readMetrics } from "../../src/run/mod.ts";
import { trainStep } from "../../src/train/step.ts";
import { fixtureData, memorySink, tempRuns, TINY_TMTL, wasmBackend } from "./helpers.ts";

Deno.test("training a few epochs lowers the loss and fills the run directory", async () => {
  await wasmBackend();
  const data = await fixtureData();
  const runs = await tempRuns();
  const run = await prepareNewRun({
    graph: TINY_TMTL,
    data,
    runsDir: runs,
    runId: "a",
    overrides: { epochs: 4, batchSize: 16, optimizer: { lr: 3e-3 } },
    microBatch: 8,
    seed: 1,
    checkpointEvery: 0,
    backend: "wasm",
    skipBad: false,
    command: ["test"],
  });
  const { train, val } = await loadRunData(run.config, join(runs, ".cache"));
  run.lock.release(); // runTraining alone: the lock is executeRun's to release
  const sink = memorySink();
  const t0 = performance.now();
  const result = await runTraining({ ...run, train, val, sink });
  console.log(`4 epochs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  assert.equal(result.status, "done");
  const records = await readMetrics(run.runDir);
  console.log(records.map((r) => r.loss));
  assert.equal(records.length, 4);
  assert.ok(records[3].loss < records[0].loss, `loss ${records[0].loss} → ${records[3].loss}`);
  for (
    const f of [
      "config.json",
      "metrics.jsonl",
      "best/model.json",
      "best/weights.bin",
      "best/best.json",
      "curves.svg",
      "curves.png",
      "checkpoints/latest",
    ]
  ) {
    await Deno.stat(join(run.runDir, f));
  }
  assert.equal(sink.text().trim().split("\n").length, 4, "one line per epoch when not a terminal");
});

Deno.test("a custom-loop step runs batch-norm in training mode and updates its moving statistics", async () => {
  await wasmBackend();
  const { compileFile } = await import("../../src/compiler/mod.ts");
  const { buildSeededModel } = await import("../../src/train/setup.ts");
  const { ir } = await compileFile(TINY_TMTL);
  const model = buildSeededModel(ir, 3);
  const bn = model.getLayer("stage1_1_bn");
  const names = bn.weights.map((w) => w.originalName.split("/").at(-1));
  const before = bn.getWeights().map((t) => t.dataSync().slice());
  const count = 8;
  const x = new Float32Array(count * 32 * 32 * 3).map((_, i) => ((i * 7919) % 255) / 255);
  const heads = ir.heads.map((h) => ({ name: h.name, classes: h.classes, lossWeight: 1 }));
  const labels = {
    smile: Int32Array.from([0, 1, 0, 1, 1, 0, 1, 0]),
    gender: Int32Array.from([1, 1, 0, 0, 1, 0, 0, 1]),
  };
  const r = await trainStep(model, tf.train.adam(1e-2), heads, { count, size: 32, x, labels }, 4, 1);
  assert.ok(r.finite);
  const after = bn.getWeights().map((t) => t.dataSync());
  const changed = (n: string) => {
    const i = names.indexOf(n);
    return after[i].some((v, j) => v !== before[i][j]);
  };
  assert.ok(changed("moving_mean"), "moving mean updated");
  assert.ok(changed("moving_variance"), "moving variance updated");
  assert.ok(changed("gamma") && changed("beta"), "gamma and beta trained");
  // Inference uses the moving statistics: its output differs from training mode on the same input.
  const [inf, trn] = tf.tidy(() => {
    const input = tf.tensor4d(x, [count, 32, 32, 3]);
    const a = (model.apply(input, { training: false }) as tf.Tensor[])[0].dataSync();
    const b = (model.apply(input, { training: true }) as tf.Tensor[])[0].dataSync();
    return [a, b];
  });
  assert.notDeepEqual(inf, trn);
});
