/**
 * A run is locked while a process trains it: a second process resuming it is refused with one line
 * naming the holder, and a lock left by a killed process is taken over (and said so).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { lockRun } from "../../src/run/mod.ts";
import { prepareResume } from "../../src/train/resume.ts";
import { isUserError } from "../../src/util/errors.ts";
import { trainedRunCopy, wasmBackend } from "./helpers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("a second resume of a run being trained is refused in one line, and changes nothing", async () => {
  await wasmBackend();
  const run = await trainedRunCopy();
  const first = await prepareResume(run, { epochs: 3, warn: () => {} });
  try {
    const config = await Deno.readTextFile(join(run, "config.json"));
    const metrics = await Deno.readTextFile(join(run, "metrics.jsonl"));
    const e = await prepareResume(run, { epochs: 4, warn: () => {} }).then(() => null, (e) => e);
    assert.ok(isUserError(e), String(e));
    assert.equal(e.message.split("\n").length, 1);
    assert.match(
      e.message,
      new RegExp(`another process is training this run \\(pid ${Deno.pid} on .* since .*\\)`),
    );
    assert.equal(await Deno.readTextFile(join(run, "config.json")), config);
    assert.equal(await Deno.readTextFile(join(run, "metrics.jsonl")), metrics);
  } finally {
    first.lock.release();
  }
  const again = await prepareResume(run, { warn: () => {} });
  again.lock.release();
  assert.equal(
    again.notes.some((n) => n.includes("no longer running")),
    false,
    "a released lock is not stale",
  );
});

Deno.test("the lock of a killed process is taken over, naming it", async () => {
  await wasmBackend();
  const run = await trainedRunCopy();
  // Another process takes the run's lock and holds it until killed.
  const script = `import { lockRun } from "${join(ROOT, "src/run/mod.ts")}";\n` +
    `await lockRun(${JSON.stringify(run)}, "holder test");\nconsole.log("locked");\n` +
    `await new Promise(() => setTimeout(() => {}, 1e9));`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", join(ROOT, "deno.json"), script],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.getReader();
  assert.match(new TextDecoder().decode((await reader.read()).value), /locked/);
  const e = await lockRun(run, "test").then(() => null, (e) => e);
  assert.ok(isUserError(e), String(e));
  assert.match(e.message, new RegExp(`pid ${child.pid} .*\\(holder test\\)`));

  child.kill("SIGKILL");
  await child.status;
  reader.releaseLock();
  await child.stdout.cancel();
  const resumed = await prepareResume(run, { warn: () => {} });
  resumed.lock.release();
  assert.match(
    resumed.notes[0],
    new RegExp(`\\.lock was left by pid ${child.pid} .*no longer running; taken over$`),
  );
});
