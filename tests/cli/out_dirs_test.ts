/**
 * Commands that write never overwrite what they did not make: an existing folder without the
 * project's marker is refused (one line) unless --force; new, empty and marked folders are written.
 * A user value with a newline or escape code still gives a one-line error.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { COMPILE } from "../../src/cli/compile.ts";
import { TRAIN } from "../../src/cli/train.ts";
import { isUserError } from "../../src/util/errors.ts";
import { claimOutputDir, claimOutputFiles, isOwnedDir, OWNER_MARKER } from "../../src/util/owned_dir.ts";

const GRAPH = new URL("../train/fixtures/tiny_tmtl.ts", import.meta.url).pathname;

async function oneLine(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => null, (e) => e);
  assert.ok(isUserError(e), `expected a UserError, got ${e}`);
  const lines = e.message.split("\n").filter((l: string) => !l.startsWith("usage: "));
  assert.equal(lines.length, 1, e.message);
  return lines[0];
}

async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = () => {};
  try {
    return await f();
  } finally {
    console.log = log;
  }
}

Deno.test("claimOutputDir: new, empty and marked folders are written; a foreign one needs --force", async () => {
  const root = await Deno.makeTempDir();
  const fresh = join(root, "fresh", "deep");
  await claimOutputDir(fresh, { command: "t" });
  assert.ok(await isOwnedDir(fresh));
  const empty = join(root, "empty");
  await Deno.mkdir(empty);
  await claimOutputDir(empty, { command: "t" });
  assert.ok(await isOwnedDir(empty));
  const foreign = join(root, "photos");
  await Deno.mkdir(foreign);
  await Deno.writeTextFile(join(foreign, "holiday.jpg"), "mine");
  assert.match(
    await oneLine(claimOutputDir(foreign, { command: "t" })),
    /--out .*photos: the folder holds files this project did not write \(no \.mtl-graph marker\); .*--force/,
  );
  assert.equal(await isOwnedDir(foreign), false);
  await claimOutputDir(foreign, { command: "t", force: true });
  assert.ok(await isOwnedDir(foreign));
  assert.equal(
    await Deno.readTextFile(join(foreign, "holiday.jpg")),
    "mine",
    "--force writes beside, deletes nothing",
  );
  await Deno.writeTextFile(join(root, "file"), "x");
  assert.match(
    await oneLine(claimOutputDir(join(root, "file"), { command: "t" })),
    /exists and is not a folder/,
  );
});

Deno.test("claimOutputFiles: an existing file is replaced only in a marked folder or with --force", async () => {
  const root = await Deno.makeTempDir();
  await Deno.writeTextFile(join(root, "tsne.svg"), "<svg/>");
  assert.match(
    await oneLine(claimOutputFiles([join(root, "tsne.svg")], { command: "tsne" })),
    /tsne\.svg: exists and was not written by this project/,
  );
  await claimOutputFiles([join(root, "other.svg")], { command: "tsne" });
  await claimOutputFiles([join(root, "tsne.svg")], { command: "tsne", force: true });
  await Deno.writeTextFile(join(root, OWNER_MARKER), "{}");
  await claimOutputFiles([join(root, "tsne.svg")], { command: "tsne" });
});

Deno.test("compile --out refuses a folder it did not make, and writes with --force", async () => {
  const out = await Deno.makeTempDir();
  await Deno.mkdir(join(out, "tiny_tmtl"));
  await Deno.writeTextFile(join(out, "tiny_tmtl", "notes.txt"), "keep me");
  assert.match(
    await oneLine(quietly(() => COMPILE.run([GRAPH, "--out", out]))),
    /tiny_tmtl: the folder holds files/,
  );
  assert.equal(await Deno.stat(join(out, "tiny_tmtl", "graph.json")).then(() => true, () => false), false);
  await quietly(() => COMPILE.run([GRAPH, "--out", out, "--force"]));
  assert.ok((await Deno.stat(join(out, "tiny_tmtl", "graph.json"))).isFile);
  assert.equal(await Deno.readTextFile(join(out, "tiny_tmtl", "notes.txt")), "keep me");
  await quietly(() => COMPILE.run([GRAPH, "--out", out])); // marked now: no --force needed
});

Deno.test("user names stay data: --loss-weight __proto__=1, a newline in a value, a hostile run id", async () => {
  const runs = await Deno.makeTempDir();
  const common = ["--runs", runs, "--backend", "cpu", "--data", runs, "--stop-after-steps", "1"];
  const cases: [string[], RegExp][] = [
    [["--loss-weight", "__proto__=1"], /^--loss-weight: no head '__proto__' \(heads: smile, gender\)$/],
    [["--loss-weight", "constructor=1"], /^--loss-weight: no head 'constructor'/],
    [["--loss-weight", "smile=1,smile=2"], /^--loss-weight: head 'smile' is given twice$/],
    [["--lr-schedule", "3:1e-4\nrm -rf"], /^--lr-schedule: expected EPOCH:LR.*got '3:1e-4\\nrm -rf'$/],
    [["--run-id", "../../escape"], /^--run-id: '\.\.\/\.\.\/escape' is not a run id/],
    [["--run-id", "a\u001b[2Jb"], /^--run-id: 'a\\x1b\[2Jb' is not a run id/],
    [["--epochs", "3\n4"], /^--epochs: expected an integer in 1\.\.1000000000, got '3\\n4'$/],
  ];
  for (const [args, pattern] of cases) {
    assert.match(
      await oneLine(quietly(() => TRAIN.run([GRAPH, ...args, ...common]))),
      pattern,
      args.join(" "),
    );
  }
  assert.deepEqual([...Deno.readDirSync(runs)], [], "no run folder was made");
});
