/**
 * Tests leave nothing in the temp directory: test files that use the shared helpers (temp folders, the
 * training fixture set, run folders) are run in a child whose TMPDIR is a fresh folder, which must be
 * empty when they are done.
 */
import assert from "node:assert/strict";
import { assertExit, runDeno } from "../child.ts";

const FILES = ["tests/data/parsers_test.ts", "tests/train/checkpoint_order_test.ts"];

Deno.test("test helpers remove their temp folders (fixture set, runs, data folders)", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "tmpdir-check-" });
  try {
    const r = await runDeno(["test", "-A", "--no-check", ...FILES], {
      env: { TMPDIR: tmp, NO_COLOR: "1" },
      timeoutMs: 120_000,
    });
    assertExit(r, 0, FILES.join(" "));
    assert.match(r.stdout, /ok \| \d+ passed \| 0 failed/);
    assert.deepEqual([...Deno.readDirSync(tmp)].map((e) => e.name), [], "left behind in TMPDIR");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
