/**
 * The loop's hooks: the loop calls each after every finite step and at every epoch end, in order; the
 * default ones validate, keep best/, checkpoint (with the best epoch in the saved state) and draw curves;
 * a list without the best hook writes no best/.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { latestCheckpoint, readMetrics } from "../../src/run/mod.ts";
import { readLoopState } from "../../src/train/checkpoint.ts";
import { checkpointHook, type LoopHook, validateHook } from "../../src/train/hooks.ts";
import { runTraining } from "../../src/train/loop.ts";
import { loadRunData, prepareNewRun } from "../../src/train/setup.ts";
import { exists } from "../../src/util/fs.ts";
import { fixtureData, memorySink, tempRuns, TINY_TMTL, wasmBackend } from "./helpers.ts";

async function newRun(runs: string) {
  const run = await prepareNewRun({
    graph: TINY_TMTL,
    data: await fixtureData(),
    runsDir: runs,
    runId: "h",
    overrides: { epochs: 3, batchSize: 32, optimizer: { lr: 3e-3 } },
    microBatch: 32,
    seed: 2,
    checkpointEvery: 0,
    backend: "wasm",
    skipBad: false,
    command: ["test"],
  });
  run.lock.release(); // runTraining alone: the lock is executeRun's to release
  return { run, data: await loadRunData(run.config, join(runs, ".cache")) };
}

Deno.test("hooks run in order after each step and epoch; without the best hook there is no best/", async () => {
  await wasmBackend();
  const runs = await tempRuns();
  const { run, data } = await newRun(runs);
  const calls: string[] = [];
  const recorder: LoopHook = {
    onStepEnd: (_ctx, s) => void calls.push(`step ${s.step} (epoch ${s.epoch}, batch ${s.batch})`),
    onEpochEnd: (ctx, end) => {
      assert.ok(end.record, "the validate hook ran first");
      assert.equal(ctx.records.at(-1), end.record);
      calls.push(`epoch ${end.epoch} → next ${end.state.epoch}, ${ctx.lastCheckpoint?.split("/").at(-1)}`);
    },
  };
  const result = await runTraining({
    ...run,
    ...data,
    sink: memorySink(),
    hooks: [validateHook(), checkpointHook(), recorder],
  });
  // 64 training images, batch 32: two steps per epoch.
  assert.deepEqual(calls, [
    "step 1 (epoch 1, batch 1)",
    "step 2 (epoch 1, batch 2)",
    "epoch 1 → next 2, step-00000002",
    "step 3 (epoch 2, batch 1)",
    "step 4 (epoch 2, batch 2)",
    "epoch 2 → next 3, step-00000004",
    "step 5 (epoch 3, batch 1)",
    "step 6 (epoch 3, batch 2)",
    "epoch 3 → next 4, step-00000006",
  ]);
  assert.equal(result.status, "done");
  assert.equal(result.state.best, null, "no best hook, no best epoch");
  assert.equal(await exists(join(run.runDir, "best")), false);
  assert.equal(await exists(join(run.runDir, "curves.svg")), false);
  assert.equal((await readMetrics(run.runDir)).length, 3);
});

Deno.test("the default hooks save the best epoch into the checkpoint they write after it", async () => {
  await wasmBackend();
  const runs = await tempRuns();
  const { run, data } = await newRun(runs);
  await runTraining({ ...run, ...data, sink: memorySink(), curves: false });
  const records = await readMetrics(run.runDir);
  let best = records[0];
  for (const r of records) if (r.meanValAccuracy > best.meanValAccuracy) best = r;
  const saved = await readLoopState((await latestCheckpoint(run.runDir))!);
  assert.deepEqual(saved.best, { epoch: best.epoch, meanAccuracy: best.meanValAccuracy });
  const info = JSON.parse(await Deno.readTextFile(join(run.runDir, "best", "best.json")));
  assert.equal(info.epoch, best.epoch);
});
