/**
 * Runs are verified on read: every checkpoint and best/ carry a manifest (sizes, SHA-256) written
 * last; a damaged checkpoint is named in one line and the one before it used (resume moves the
 * damaged one aside); a missing or damaged best/ is an error that points at --weights last, never a
 * silent switch; eval says which weights it used.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  checkManifest,
  findCheckpoint,
  loadRun,
  MANIFEST_FILE,
  readRunConfig,
  runWeights,
} from "../../src/run/mod.ts";
import { prepareResume } from "../../src/train/resume.ts";
import { isUserError } from "../../src/util/errors.ts";
import { exists } from "../../src/util/fs.ts";
import { trainedRunCopy, wasmBackend } from "./helpers.ts";

const CKPT = (run: string, step: number) => join(run, "checkpoints", `step-${String(step).padStart(8, "0")}`);

async function userError(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => null, (e) => e);
  assert.ok(isUserError(e), `expected a UserError, got ${e}`);
  assert.equal(e.message.split("\n").length, 1, e.message);
  return e.message;
}

/** Flips one byte in the middle of a file: same size, other contents. */
async function flipByte(file: string): Promise<void> {
  const bytes = await Deno.readFile(file);
  bytes[bytes.length >> 1] ^= 0xff;
  await Deno.writeFile(file, bytes);
}

Deno.test("every checkpoint and best/ carry a manifest that checks out; the newest two checkpoints are kept", async () => {
  const run = await trainedRunCopy();
  const steps = [...Deno.readDirSync(join(run, "checkpoints"))].map((e) => e.name).sort();
  assert.deepEqual(steps, ["latest", "step-00000006", "step-00000008"]);
  for (const dir of [CKPT(run, 6), CKPT(run, 8), join(run, "best")]) {
    assert.ok(await exists(join(dir, MANIFEST_FILE)), dir);
    assert.deepEqual(await checkManifest(dir), { status: "ok" });
    const manifest = JSON.parse(await Deno.readTextFile(join(dir, MANIFEST_FILE)));
    const names = manifest.files.map((f: { name: string }) => f.name);
    assert.ok(names.includes("weights.bin") && names.includes("model.json"), names.join(","));
  }
});

Deno.test("a truncated or altered file is found by the manifest, and the checkpoint before it is used", async () => {
  await wasmBackend();
  for (const damage of ["truncate", "flip"] as const) {
    const run = await trainedRunCopy();
    const file = join(CKPT(run, 8), "weights.bin");
    if (damage === "truncate") await Deno.truncate(file, 100);
    else await flipByte(file);
    const found = await findCheckpoint(run);
    assert.equal(found.dir, CKPT(run, 6));
    assert.equal(found.damaged[0].file, file);
    assert.match(
      found.damaged[0].detail,
      damage === "truncate" ? /100 bytes where the manifest says/ : /checksum/,
    );

    const warnings: string[] = [];
    const last = await runWeights(run, "last", (l) => warnings.push(l));
    assert.equal(last.dir, CKPT(run, 6));
    assert.match(last.description, /^checkpoints\/step-00000006 \(step 6, epoch 2, batch 2\)$/);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0].startsWith(`warning: ${file}: `), warnings[0]);

    // Resume moves the damaged checkpoint aside (kept, not deleted) and continues from the one before.
    const resumed = await prepareResume(run, { warn: (l) => warnings.push(l) });
    resumed.lock.release();
    assert.equal(resumed.checkpoint, CKPT(run, 6));
    assert.deepEqual([resumed.start!.step, resumed.start!.epoch, resumed.start!.batch], [6, 2, 2]);
    assert.match(warnings[1], /moved that checkpoint to .*checkpoints\/damaged-step-00000008/);
    assert.ok(await exists(join(run, "checkpoints", "damaged-step-00000008", "weights.bin")));
    assert.equal(await exists(CKPT(run, 8)), false);
  }
});

Deno.test("a torn state.json, optimizer.bin or model.json counts as damage too", async () => {
  for (
    const [file, write] of [
      ["state.json", (p: string) => Deno.writeTextFile(p, '{"version":1,"loop":{"st')],
      ["optimizer.bin", (p: string) => Deno.truncate(p, 12)],
      ["model.json", (p: string) => Deno.writeTextFile(p, "{}")],
      [MANIFEST_FILE, (p: string) => Deno.writeTextFile(p, "[")],
    ] as const
  ) {
    const run = await trainedRunCopy();
    await write(join(CKPT(run, 8), file));
    const found = await findCheckpoint(run);
    assert.equal(found.dir, CKPT(run, 6), file);
    assert.equal(found.damaged[0].file, join(CKPT(run, 8), file));
  }
});

Deno.test("with every checkpoint damaged, resume is one line naming the file and changes nothing", async () => {
  const run = await trainedRunCopy();
  await Deno.truncate(join(CKPT(run, 8), "weights.bin"), 10);
  await Deno.truncate(join(CKPT(run, 6), "optimizer.bin"), 10);
  const config = await Deno.readTextFile(join(run, "config.json"));
  const message = await userError(prepareResume(run, { warn: () => {} }));
  assert.match(message, /step-00000008\/weights\.bin: 10 bytes .*; no intact checkpoint to resume from$/);
  assert.equal(await Deno.readTextFile(join(run, "config.json")), config);
  assert.ok(await exists(CKPT(run, 8)) && await exists(CKPT(run, 6)), "nothing moved or removed");
  // The lock was released: a second attempt says the same, not "another process".
  assert.match(await userError(prepareResume(run, { warn: () => {} })), /no intact checkpoint/);
});

Deno.test("best/ missing or damaged: eval's weights are an error pointing at --weights last, never a switch", async () => {
  await wasmBackend();
  const run = await trainedRunCopy();
  const best = await runWeights(run, "best");
  assert.match(best.description, /^best\/ \(epoch \d, step \d, mean validation accuracy \d+\.\d\d%\)$/);
  const loaded = await loadRun(run, "best");
  assert.equal(loaded.weights.dir, join(run, "best"));
  loaded.model.dispose();

  await flipByte(join(run, "best", "weights.bin"));
  assert.match(
    await userError(loadRun(run, "best")),
    /best\/weights\.bin: contents differ .*; best\/ cannot be used \(eval and predict take --weights last/,
  );
  await Deno.remove(join(run, "best"), { recursive: true });
  assert.match(await userError(loadRun(run, "best")), /best: no best model .*--weights last/);
  const last = await loadRun(run, "last");
  assert.equal(last.weights.dir, CKPT(run, 8));
  last.model.dispose();
});

Deno.test("resume with best/ damaged moves it aside and lets the next epoch write a new one", async () => {
  await wasmBackend();
  const run = await trainedRunCopy();
  await Deno.truncate(join(run, "best", "weights.bin"), 3);
  const warnings: string[] = [];
  const resumed = await prepareResume(run, { warn: (l) => warnings.push(l), epochs: 3 });
  resumed.lock.release();
  assert.equal(resumed.start!.best, null);
  assert.match(warnings[0], /best\/weights\.bin: 3 bytes .*moved best\/ to .*damaged-best/);
  assert.ok(await exists(join(run, "damaged-best", "weights.bin")));
});

Deno.test("a damaged line in metrics.jsonl is kept in a copy, and resume goes on with the readable epochs", async () => {
  const run = await trainedRunCopy();
  const path = join(run, "metrics.jsonl");
  const [first, second] = (await Deno.readTextFile(path)).trim().split("\n");
  await Deno.writeTextFile(path, `${first}\n{"epoch":"x"}\n${second}\n`);
  const warnings: string[] = [];
  const resumed = await prepareResume(run, { warn: (l) => warnings.push(l), epochs: 3 });
  resumed.lock.release();
  assert.equal(resumed.history.length, 2);
  assert.match(warnings[0], /metrics\.jsonl:2: epoch: .*kept a copy as .*metrics\.jsonl\.damaged-\d+T\d+/);
  const backup = warnings[0].match(/kept a copy as (\S+)/)![1];
  assert.equal(await Deno.readTextFile(backup), `${first}\n{"epoch":"x"}\n${second}\n`);
  assert.equal((await readRunConfig(run)).epochs, 3);
});
