/**
 * Which checkpoint a run resumes from: the newest intact one. A checkpoint directory without its
 * state.json (a write cut short), a `latest` pointer that is missing, stale or garbage, and leftover
 * temporary directories never win over an older intact checkpoint; `--resume` continues from the one
 * chosen.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CHECKPOINTS_DIR, LATEST_FILE, latestCheckpoint, STATE_FILE } from "../../src/run/mod.ts";
import { defaultHooks, type LoopHook } from "../../src/train/hooks.ts";
import { runTraining } from "../../src/train/loop.ts";
import { prepareResume } from "../../src/train/resume.ts";
import { loadRunData, prepareNewRun } from "../../src/train/setup.ts";
import { memorySink, tempRuns, tinyRunOptions, wasmBackend } from "./helpers.ts";

/** A run stopped after 6 steps with intact checkpoints at steps 2, 4 and 6 (older ones kept aside and put back). */
async function runWithCheckpoints(): Promise<{ runDir: string; root: string }> {
  await wasmBackend();
  const runs = await tempRuns();
  const run = await prepareNewRun(
    await tinyRunOptions(runs, { overrides: { epochs: 2, batchSize: 8 }, microBatch: 8, checkpointEvery: 2 }),
  );
  run.lock.release(); // runTraining is called directly, not through executeRun
  const kept = join(runs, "kept");
  await Deno.mkdir(kept);
  // Saving a checkpoint removes the older ones: copy each aside as it is written.
  const keep: LoopHook = {
    async onStepEnd(ctx) {
      const dir = ctx.lastCheckpoint;
      if (dir && !(await Deno.stat(join(kept, dir.split("/").at(-1)!)).catch(() => null))) {
        await copyDir(dir, join(kept, dir.split("/").at(-1)!));
      }
    },
  };
  const sets = await loadRunData(run.config, join(runs, ".cache"));
  const r = await runTraining({
    ...run,
    ...sets,
    sink: memorySink(),
    hooks: [...defaultHooks({ curves: false }), keep],
    stopAfterSteps: 7,
  });
  assert.equal(r.status, "stopped");
  const root = join(run.runDir, CHECKPOINTS_DIR);
  for await (const e of Deno.readDir(kept)) {
    if (!(await Deno.stat(join(root, e.name)).catch(() => null))) {
      await copyDir(join(kept, e.name), join(root, e.name));
    }
  }
  const names = [...Deno.readDirSync(root)].map((e) => e.name).sort();
  assert.deepEqual(names, [LATEST_FILE, "step-00000002", "step-00000004", "step-00000006"]);
  return { runDir: run.runDir, root };
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) await Deno.copyFile(join(from, e.name), join(to, e.name));
}

Deno.test("checkpoints: the newest intact one is chosen, whatever `latest` says, and --resume starts there", async () => {
  const { runDir, root } = await runWithCheckpoints();
  const step = (n: number) => join(root, `step-${String(n).padStart(8, "0")}`);
  const latest = (text: string | null) =>
    text === null ? Deno.remove(join(root, LATEST_FILE)) : Deno.writeTextFile(join(root, LATEST_FILE), text);

  assert.equal(await latestCheckpoint(runDir), step(6), "all intact: the newest");
  await latest("step-00000004\n");
  assert.equal(await latestCheckpoint(runDir), step(6), "a stale `latest` (killed before it was updated)");
  await latest("garbage");
  assert.equal(await latestCheckpoint(runDir), step(6), "a garbage `latest`");
  await latest(null);
  assert.equal(await latestCheckpoint(runDir), step(6), "no `latest`");

  // Leftovers of an interrupted write and a directory without its state.json are not checkpoints.
  await Deno.mkdir(join(root, ".step-00000008.tmp-1-abcd"));
  await copyDir(step(6), join(root, "step-00000008"));
  await Deno.remove(join(root, "step-00000008", STATE_FILE));
  await latest("step-00000008\n");
  assert.equal(await latestCheckpoint(runDir), step(6), "step 8 has no state.json");

  await Deno.remove(join(step(6), STATE_FILE));
  assert.equal(await latestCheckpoint(runDir), step(4), "then the next older intact one");
  const resumed = await prepareResume(runDir);
  resumed.lock.release();
  assert.equal(resumed.start!.step, 4);
  assert.match(resumed.notes[0], /from .*step-00000004 \(step 4, /);

  await Deno.remove(join(step(4), STATE_FILE));
  assert.equal(await latestCheckpoint(runDir), step(2));
  await Deno.remove(join(step(2), STATE_FILE));
  assert.equal(await latestCheckpoint(runDir), null, "no intact checkpoint at all");
});
