/**
 * The warm-up of new layers (`config.warmup`, what `experiment --warmup-new N` sets): during the first
 * N epochs only the named layers' weights change; afterwards every weight trains; a run stopped inside
 * the warm-up resumes bit for bit.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readMetrics, readRunConfig } from "../../src/run/mod.ts";
import { runTraining } from "../../src/train/loop.ts";
import { prepareResume } from "../../src/train/resume.ts";
import { loadRunData, prepareNewRun } from "../../src/train/setup.ts";
import {
  memorySink,
  stableRecord as stable,
  tempRuns,
  tinyAttentionRun,
  trainedWholeAndResumed,
  wasmBackend,
  weightsOf,
} from "./helpers.ts";

const NEW = ["smile/att_gender", "gender/att_smile", "smile/out", "gender/out"];

/** The tiny attention run for 2 epochs (4 steps each) with a 1-epoch warm-up of the attention and classifiers. */
async function warmupRun() {
  const o = await tinyAttentionRun(await tempRuns());
  return { ...o, overrides: { ...o.overrides, epochs: 2 }, warmup: { epochs: 1, layers: NEW } };
}

const isNew = (name: string) => NEW.some((l) => name.startsWith(`${l}/`));
/** Trainable weights only: batch-norm's moving statistics change in training mode either way. */
const trainable = (name: string) => !/moving_(mean|variance)$/.test(name);

Deno.test("warm-up: only the new layers train during it, everything after it", async () => {
  await wasmBackend();
  const cache = join(await tempRuns(), ".cache");
  const run = await prepareNewRun(await warmupRun());
  run.lock.release(); // runTraining is called directly
  assert.deepEqual((await readRunConfig(run.runDir)).warmup, { epochs: 1, layers: NEW });
  const initial = weightsOf(run.model);
  const data = await loadRunData(run.config, cache);
  // Stopped after the 4 steps of epoch 1: the warm-up.
  await runTraining({ ...run, ...data, sink: memorySink(), curves: false, stopAfterSteps: 4 });
  const afterWarmup = weightsOf(run.model);
  for (const [name, v] of afterWarmup) {
    if (!trainable(name)) continue;
    const changed = v.some((x, i) => x !== initial.get(name)![i]);
    assert.equal(changed, isNew(name), `${name} ${changed ? "changed" : "did not change"} in the warm-up`);
  }

  const resumed = await prepareResume(run.runDir);

  resumed.lock.release(); // runTraining is called directly
  await runTraining({ ...resumed, ...data, sink: memorySink(), curves: false });
  const end = weightsOf(resumed.model);
  for (const [name, v] of end) {
    if (!trainable(name) || isNew(name)) continue;
    assert.ok(v.some((x, i) => x !== afterWarmup.get(name)![i]), `${name} did not train after the warm-up`);
  }
});

Deno.test("warm-up: a run stopped inside it resumes bit for bit", async () => {
  await wasmBackend();
  const { whole, killed, resumed } = await trainedWholeAndResumed(warmupRun, 4);
  assert.deepEqual([resumed.start!.epoch, resumed.start!.batch], [1, 3], "resumes inside the warm-up");

  assert.deepEqual(
    (await readMetrics(killed.runDir)).map(stable),
    (await readMetrics(whole.runDir)).map(stable),
  );
  const wa = weightsOf(whole.model), wb = weightsOf(resumed.model);
  for (const [name, v] of wa) assert.deepEqual(wb.get(name), v, `weight ${name} differs`);
});
