/**
 * The commands as a user runs them through their deno tasks (with the tasks' own permissions): every
 * one answers --help, a mistyped flag gets a suggestion, and a damaged config.json is one line naming it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

import { type ChildResult, runTask } from "../child.ts";

/** Runs a deno task as a user does (killed, and the test failed, after a minute). */
function task(...args: string[]): Promise<ChildResult> {
  return runTask(args[0], args.slice(1), { timeoutMs: 60_000 });
}

const COMMANDS = [
  "compile",
  "train",
  "eval",
  "predict",
  "tsne",
  "experiment",
  "demo",
  "data:synth",
  "setup-gpu",
];

Deno.test("every command answers --help and -h with its usage and flags", async () => {
  for (const name of COMMANDS) {
    for (const flag of ["--help", "-h"]) {
      const r = await task(name, flag);
      assert.equal(r.code, 0, `${name} ${flag}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^usage: deno task ${name} `), name);
      assert.match(r.stdout, /^ {2}-h, --help {14}print this help and exit$/m, name);
    }
  }
});

Deno.test("a mistyped flag is one line with the flag it probably meant", async () => {
  const r = await task("train", "--epoch", "3");
  assert.equal(r.code, 1);
  assert.equal(r.stderr.split("\n")[0], "error: --epoch: unknown flag (did you mean --epochs?)");
  assert.match(r.stderr.split("\n")[1], /^usage: deno task train /);
  const s = await task("data:synth", "--cuont", "3");
  assert.equal(s.stderr.split("\n")[0], "error: --cuont: unknown flag (did you mean --count?)");
});

Deno.test("a damaged config.json is one line naming it and the field, for every command that reads runs", async () => {
  const run = await Deno.makeTempDir({ prefix: "damaged-run-" });
  try {
    await Deno.writeTextFile(join(run, "config.json"), JSON.stringify({ graph: "g.ts", epochs: "three" }));
    const expected = `error: ${join(run, "config.json")}: graphName: expected string, received undefined`;
    for (
      const args of [
        ["eval", run, "--backend", "cpu"],
        ["predict", run, "face.jpg", "--backend", "cpu"],
        ["tsne", run, "--backend", "cpu"],
        ["train", "--resume", run, "--backend", "cpu"],
      ]
    ) {
      const r = await task(...args);
      assert.equal(r.code, 1, args.join(" "));
      const lines = r.stderr.trim().split("\n").filter((l) => !l.startsWith("backend: "));
      assert.deepEqual(lines, [expected], args.join(" "));
    }
  } finally {
    await Deno.remove(run, { recursive: true });
  }
});
