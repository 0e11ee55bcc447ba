/**
 * The data memory budget: sizes as users write them, splits held in memory while they fit (keeping
 * the read-ahead share free) and streamed from the cache beyond, and `--data-memory` mistakes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DataMemory, formatBytes, openDataset, openImages, parseByteSize } from "../../src/data/mod.ts";
import { isUserError } from "../../src/util/errors.ts";
import { celebaFixture, tempDir } from "./fixtures.ts";

Deno.test("data memory: sizes with binary and decimal units", () => {
  const cases: [string, number][] = [
    ["2GiB", 2 * 1024 ** 3],
    ["2G", 2 * 1024 ** 3],
    ["1.5 gib", 1.5 * 1024 ** 3],
    ["512MiB", 512 * 1024 ** 2],
    ["4GB", 4e9],
    ["100kb", 1e5],
    ["1048576", 1048576],
  ];
  for (const [text, bytes] of cases) assert.equal(parseByteSize(text, "--data-memory"), bytes, text);
  for (const bad of ["", "lots", "2 GiBs", "-1G", "0", "1e9"]) {
    assert.throws(() => parseByteSize(bad, "--data-memory"), (e) => {
      assert.ok(isUserError(e));
      assert.equal(e.where, "--data-memory");
      return true;
    }, bad);
  }
  assert.equal(formatBytes(512), "512 B");
  assert.equal(formatBytes(3 * 1024 ** 3 / 2), "1.50 GiB");
});

Deno.test("data memory: splits fit first come, first served, an eighth stays for read-ahead", () => {
  const m = new DataMemory(800);
  assert.equal(m.readAhead, 100);
  assert.ok(m.hold(600));
  assert.ok(!m.hold(101), "600 + 101 > 800 - 100");
  assert.ok(m.hold(100));
  assert.equal(m.resident, 700);
  assert.ok(!m.hold(1));
});

Deno.test("data memory: openImages holds what fits and streams the rest, with the same pixels", async () => {
  const dir = await tempDir();
  try {
    await celebaFixture(dir);
    const ds = await openDataset(dir, [{ head: "smile" }, { head: "gender" }]);
    const pre = { size: 4, crop: "none" } as const;
    const cacheDir = join(dir, "cache");
    // 6 train images of 48 bytes = 288 bytes; 2 val images = 96 bytes.
    const memory = new DataMemory(400);
    const train = await openImages(ds, "train", pre, { cacheDir, memory });
    const val = await openImages(ds, "val", pre, { cacheDir, memory });
    assert.ok("pixels" in train, "288 bytes fit in 400 - 50");
    assert.ok("pixelFile" in val, "96 more do not");
    assert.equal(val.readAhead, 50);
    assert.deepEqual(
      await Deno.readFile(val.pixelFile),
      (await openImages(ds, "val", pre, {
        cacheDir,
        memory: new DataMemory(),
      }) as { pixels: Uint8Array }).pixels,
    );
    assert.deepEqual(val.ids, ["000007.png", "000008.png"]);
    assert.deepEqual([...val.labels.gender], [0, 1]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--data-memory: a size that is not one is a one-line error with exit code 1", async () => {
  const train = new URL("../../src/cli/train.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      "--allow-sys",
      "--allow-ffi",
      train,
      "--data-memory",
      "lots",
    ],
  }).output();
  const stderr = new TextDecoder().decode(out.stderr).trim();
  assert.equal(out.code, 1);
  assert.equal(stderr, 'error: --data-memory: expected a size such as 512MiB or 2GiB, got "lots"');
});
