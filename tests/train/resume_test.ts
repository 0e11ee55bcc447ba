/**
 * Exact resume: a run stopped mid-epoch (as if killed) and resumed from its last checkpoint ends with
 * the same metrics and bit-identical weights as the same run left alone.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readMetrics, readWeights } from "../../src/run/mod.ts";
import {
  stableRecord as stable,
  tempRuns,
  tinyAttentionRun,
  trainedWholeAndResumed,
  wasmBackend,
  weightsOf,
} from "./helpers.ts";

Deno.test("a run stopped mid-epoch and resumed matches the uninterrupted run exactly", async () => {
  await wasmBackend();
  const { whole, killed, stopped, checkpointAtStop, resumed } = await trainedWholeAndResumed(
    async () => tinyAttentionRun(await tempRuns()),
    8,
  );
  assert.equal(stopped.status, "stopped");
  // Steps 3 and 6 were checkpointed mid-epoch, step 4 at the end of epoch 1; step 7 and 8 are lost.
  assert.match(checkpointAtStop!, /step-00000006$/);
  assert.deepEqual([resumed.start!.epoch, resumed.start!.batch, resumed.start!.step], [2, 2, 6]);

  const a = await readMetrics(whole.runDir);
  const b = await readMetrics(killed.runDir);
  assert.equal(a.length, 3);
  assert.deepEqual(b.map(stable), a.map(stable));

  const wa = weightsOf(whole.model);
  const wb = weightsOf(resumed.model);
  assert.deepEqual([...wb.keys()], [...wa.keys()]);
  for (const [name, v] of wa) assert.deepEqual(wb.get(name), v, `weight ${name} differs`);

  const bestA = await readWeights(join(whole.runDir, "best/model.json"));
  const bestB = await readWeights(join(killed.runDir, "best/model.json"));
  for (const name of Object.keys(bestA)) assert.deepEqual(bestB[name].dataSync(), bestA[name].dataSync());
});
