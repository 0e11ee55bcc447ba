/**
 * Bounded data memory: with a budget smaller than the splits, training reads the images from the
 * cache file (on batch workers, or on the training thread) and gives exactly the run the in-memory
 * path gives at the same seed — metrics, weights, evaluation — and a streamed run stopped midway and
 * resumed matches too.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { evaluateRun } from "../../src/eval/evaluate_run.ts";
import { readMetrics } from "../../src/run/mod.ts";
import { runTraining } from "../../src/train/loop.ts";
import { prepareResume } from "../../src/train/resume.ts";
import { loadRunData, prepareNewRun } from "../../src/train/setup.ts";
import {
  memorySink,
  stableRecord as stable,
  tempRuns,
  tinyAttentionRun,
  wasmBackend,
  weightsOf,
} from "../train/helpers.ts";

Deno.test("a split larger than the data memory trains and evaluates exactly as in memory", async () => {
  await wasmBackend();
  const cache = join(await tempRuns(), ".cache");
  const quiet = { sink: memorySink(), curves: false };

  const inMemory = await prepareNewRun(await tinyAttentionRun(await tempRuns()));
  inMemory.lock.release(); // runTraining is called directly, not through executeRun
  const resident = await loadRunData(inMemory.config, cache);
  assert.ok("pixels" in resident.train && "pixels" in resident.val);
  await runTraining({ ...inMemory, ...resident, ...quiet });

  // 1 KiB of data memory: both splits (64 and 8 images of 32×32×3 bytes) stay in their cache files.
  const lines: string[] = [];
  const streamedRun = await prepareNewRun(await tinyAttentionRun(await tempRuns()));
  streamedRun.lock.release(); // runTraining is called directly, not through executeRun
  const streamed = await loadRunData(streamedRun.config, cache, (l) => lines.push(l), undefined, 1024);
  assert.ok("pixelFile" in streamed.train && "pixelFile" in streamed.val);
  assert.ok(
    lines.some((l) => /train: 64 images \(192 KiB\) exceed the data memory budget/.test(l)),
    lines.join("\n"),
  );
  await runTraining({ ...streamedRun, ...streamed, ...quiet, feed: { workers: 1 } });

  const a = await readMetrics(inMemory.runDir);
  assert.equal(a.length, 3);
  assert.deepEqual((await readMetrics(streamedRun.runDir)).map(stable), a.map(stable));
  const wa = weightsOf(inMemory.model);
  for (const [name, v] of weightsOf(streamedRun.model)) assert.deepEqual(v, wa.get(name), `weight ${name}`);

  const evalA = await evaluateRun(inMemory.runDir, { split: "test", cacheDir: cache });
  const evalB = await evaluateRun(streamedRun.runDir, { split: "test", cacheDir: cache, dataMemory: 1 });
  assert.deepEqual(evalB.result, evalA.result);

  // Streamed, stopped after 5 steps (as if killed), resumed with batches made on the training thread.
  const killed = await prepareNewRun(await tinyAttentionRun(await tempRuns()));
  killed.lock.release(); // runTraining is called directly, not through executeRun
  const stopped = await runTraining({ ...killed, ...streamed, ...quiet, stopAfterSteps: 5 });
  assert.equal(stopped.status, "stopped");
  const resumed = await prepareResume(killed.runDir);
  resumed.lock.release();
  assert.deepEqual([resumed.start!.epoch, resumed.start!.batch], [2, 0]);
  await runTraining({ ...resumed, ...streamed, ...quiet, feed: { workers: 0 } });
  assert.deepEqual((await readMetrics(killed.runDir)).map(stable), a.map(stable));
  for (const [name, v] of weightsOf(resumed.model)) {
    assert.deepEqual(v, wa.get(name), `resumed weight ${name}`);
  }
});
