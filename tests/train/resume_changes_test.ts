/**
 * Configuration changes on resume are explicit and recorded: more epochs, a learning rate from the
 * resumed epoch on, a checkpoint interval, divergence limits. Fewer epochs than are done, or schedule
 * steps in the past, are refused in one line without touching config.json. The graph comes from the
 * run's spec.json even when the graph file is now garbage.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readRunConfig } from "../../src/run/mod.ts";
import { lrAt } from "../../src/train/protocol.ts";
import { prepareResume } from "../../src/train/resume.ts";
import { isUserError } from "../../src/util/errors.ts";
import { trainedRunCopy, wasmBackend } from "./helpers.ts";

async function refused(run: string, o: Parameters<typeof prepareResume>[1]): Promise<string> {
  const before = await Deno.readFile(join(run, "config.json"));
  const e = await prepareResume(run, { ...o, warn: () => {} }).then(() => null, (e) => e);
  assert.ok(isUserError(e), String(e));
  assert.equal(e.message.split("\n").length, 1, e.message);
  assert.deepEqual(await Deno.readFile(join(run, "config.json")), before, "config.json is unchanged");
  return e.message;
}

Deno.test("--epochs below what is done is refused without rewriting config.json", async () => {
  await wasmBackend();
  const run = await trainedRunCopy(); // 2 epochs done, at the start of epoch 3
  assert.match(
    await refused(run, { epochs: 1 }),
    /^--epochs 1: the run has finished 2 epochs; give 2 or more \(config\.json is unchanged\)$/,
  );
  const r = await prepareResume(run, { epochs: 2, warn: () => {} });
  r.lock.release();
  assert.equal(r.config.epochs, 2);
});

Deno.test("a lower --lr on resume holds from the resumed epoch on and is recorded", async () => {
  await wasmBackend();
  const run = await trainedRunCopy();
  const before = await readRunConfig(run);
  const r = await prepareResume(run, {
    epochs: 4,
    lr: 1e-4,
    command: ["train", "--resume", run, "--lr", "1e-4"],
  });
  r.lock.release();
  const after = await readRunConfig(run);
  assert.equal(after.epochs, 4);
  // Epochs 1–2 keep their rate (the record of what ran); from epoch 3 on the new one.
  for (const e of [1, 2]) assert.equal(lrAt(after, e), lrAt(before, e));
  assert.equal(lrAt(after, 3), 1e-4);
  assert.equal(lrAt(after, 30), 1e-4, "the graph's later schedule step no longer applies");
  const [record] = after.resumes!;
  assert.deepEqual([record.step, record.epoch, record.batch], [8, 3, 0]);
  assert.deepEqual(record.command, ["train", "--resume", run, "--lr", "1e-4"]);
  assert.deepEqual(record.changes.map((c) => c.field), ["epochs", "schedule"]);
  assert.deepEqual(record.changes[0], { field: "epochs", from: 2, to: 4 });
  assert.ok(
    r.notes.some((n) => /^changed: lr 0\.001 → 0\.0001 from epoch 3 \(schedule now 2:0\.0001\)$/.test(n)),
    r.notes.join("\n"),
  );
});

Deno.test("--lr-schedule on resume takes future steps; a step in the past is refused", async () => {
  await wasmBackend();
  const run = await trainedRunCopy();
  assert.match(
    await refused(run, { schedule: [{ afterEpoch: 1, lr: 1e-4 }] }),
    /^--lr-schedule: step 1:0\.0001 is in the past/,
  );
  assert.match(
    await refused(run, { lr: 1e-4, schedule: [{ afterEpoch: 2, lr: 1e-5 }] }),
    /^--lr-schedule: step 2:0\.00001 is in the past.*--lr sets the rate from now/,
  );
  const r = await prepareResume(run, {
    lr: 5e-4,
    schedule: [{ afterEpoch: 5, lr: 5e-5 }],
    epochs: 6,
    warn: () => {},
  });
  r.lock.release();
  assert.deepEqual(r.config.schedule, [{ afterEpoch: 2, lr: 5e-4 }, { afterEpoch: 5, lr: 5e-5 }]);
});

Deno.test("a resume without changes records itself with none; limits and checkpoint interval may change", async () => {
  await wasmBackend();
  const run = await trainedRunCopy();
  const a = await prepareResume(run, { warn: () => {} });
  a.lock.release();
  const b = await prepareResume(run, { checkpointEvery: 0, guard: { maxWeight: 50 }, warn: () => {} });
  b.lock.release();
  const c = await readRunConfig(run);
  assert.equal(c.resumes!.length, 2);
  assert.deepEqual(c.resumes![0].changes, []);
  assert.deepEqual(c.resumes![1].changes.map((x) => x.field), ["checkpointEvery", "guard"]);
  assert.deepEqual(c.guard, { maxGradNorm: 1e4, maxWeight: 50 });
});

Deno.test("resume uses the stored spec.json even when the graph file is now garbage or gone", async () => {
  await wasmBackend();
  const run = await trainedRunCopy();
  const graph = join(run, "..", "graph.ts");
  const config = JSON.parse(await Deno.readTextFile(join(run, "config.json")));
  await Deno.writeTextFile(join(run, "config.json"), JSON.stringify({ ...config, graph }));
  await Deno.writeTextFile(graph, "export default (() => { throw new Error('not a graph'); })();");
  const r = await prepareResume(run, { warn: () => {} });
  r.lock.release();
  assert.equal(r.start!.step, 8);
  assert.deepEqual(r.notes.filter((n) => n.includes("spec.json")), []);
  // A damaged spec.json, though, is one line naming it.
  await Deno.writeTextFile(join(run, "spec.json"), '{"name": 3}');
  const e = await prepareResume(run, { warn: () => {} }).then(() => null, (e) => e);
  assert.ok(isUserError(e), String(e));
  assert.match(e.message, /spec\.json/);
});
