/** A NaN loss stops the run with a one-line UserError and leaves the last good checkpoint in place. */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { isUserError } from "../../src/util/errors.ts";
import { latestCheckpoint, readMetrics, readWeights } from "../../src/run/mod.ts";
import { DivergenceError } from "../../src/train/guard.ts";
import { runTraining } from "../../src/train/loop.ts";
import { loadRunData, prepareNewRun } from "../../src/train/setup.ts";
import { memorySink, tempRuns, tinyCheckpointedRunOptions, wasmBackend } from "./helpers.ts";

Deno.test("a NaN loss stops the run and keeps the last good checkpoint", async () => {
  await wasmBackend();
  const runs = await tempRuns();
  const run = await prepareNewRun(await tinyCheckpointedRunOptions(runs, { runId: "nan" }));
  const data = await loadRunData(run.config, join(runs, ".cache"));
  run.lock.release();
  const poison = (step: number) => {
    if (step !== 5) return;
    const w = run.model.getLayer("stem_conv").getWeights()[0];
    run.model.getLayer("stem_conv").setWeights([tf.fill(w.shape, NaN)]);
  };
  const error = await runTraining({
    ...run,
    ...data,
    sink: memorySink(),
    curves: false,
    afterStep: (s) => poison(s.step),
  }).then(() => null, (e) => e);
  assert.ok(error instanceof DivergenceError, String(error));
  assert.ok(isUserError(error));
  assert.equal(error.message.split("\n").length, 1);
  assert.match(error.message, /diverged in epoch 2 at step 6: the loss became NaN/);
  assert.match(error.message, /step-00000004/);
  assert.match(error.message, /--resume/);

  const ckpt = (await latestCheckpoint(run.runDir))!;
  assert.match(ckpt, /step-00000004$/);
  const weights = await readWeights(join(ckpt, "model.json"));
  for (const [name, t] of Object.entries(weights)) {
    assert.ok(t.dataSync().every(Number.isFinite), `${name} has non-finite values`);
  }
  assert.equal((await readMetrics(run.runDir)).length, 1, "epoch 1 finished, epoch 2 did not");
});
