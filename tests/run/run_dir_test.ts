/**
 * Run ids name folders: only a safe pattern is accepted (no `/`, `..`, leading dot, control
 * characters), a given id never reuses an existing folder, and new run folders are marked as the
 * project's. Manifests find any change of size or contents.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { checkManifest, checkRunId, newRunDir, writeManifest } from "../../src/run/mod.ts";
import { isUserError } from "../../src/util/errors.ts";
import { isOwnedDir } from "../../src/util/owned_dir.ts";

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(isUserError(e), String(e));
    assert.equal(e.message.split("\n").length, 1, e.message);
    return e.message;
  }
  assert.fail("accepted");
}

Deno.test("run ids: letters, digits, . _ - only, starting with a letter or digit, at most 100", () => {
  for (const ok of ["r1", "celeba10k-64", "exp-20260101T120000-seed3", "a.b_c", "9", "x".repeat(100)]) {
    assert.equal(checkRunId(ok), ok);
  }
  const bad = [
    "",
    "..",
    ".",
    "../x",
    "a/b",
    "/abs",
    ".hidden",
    "a\nb",
    "a\u0000",
    "-x",
    "x".repeat(101),
    "a b",
    "é",
  ];
  for (const id of bad) {
    const message = refusal(() => checkRunId(id));
    assert.match(message, /^--run-id: '.*' is not a run id: use up to 100 letters/);
    assert.ok(![...message].some((c) => c.charCodeAt(0) < 0x20), "control characters are shown escaped");
  }
  assert.match(refusal(() => checkRunId("a\nb")), /'a\\nb'/);
});

Deno.test("newRunDir refuses an unsafe or existing id, and marks new run folders", async () => {
  const root = await Deno.makeTempDir();
  const dir = await newRunDir(root, "g", "r1");
  assert.equal(dir, join(root, "g", "r1"));
  assert.ok(await isOwnedDir(dir));
  const again = await newRunDir(root, "g", "r1").then(() => null, (e) => e);
  assert.ok(isUserError(again));
  assert.match(again.message, /r1: run directory exists already \(continue it with --resume/);
  const escape = await newRunDir(root, "g", "../../etc").then(() => null, (e) => e);
  assert.ok(isUserError(escape));
  assert.deepEqual([...Deno.readDirSync(root)].map((e) => e.name), ["g"], "nothing made outside");
  const clock = await newRunDir(root, "g");
  assert.match(clock, /\/g\/\d{8}-\d{6}$/);
});

Deno.test("a manifest finds a missing, shorter, longer or altered file, and a torn manifest", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "a.bin"), "0123456789");
  await Deno.writeTextFile(join(dir, "b.json"), "{}");
  await writeManifest(dir);
  assert.deepEqual(await checkManifest(dir), { status: "ok" });
  const cases: [string, () => Promise<void>, RegExp][] = [
    ["a.bin", () => Deno.writeTextFile(join(dir, "a.bin"), "01234"), /5 bytes where the manifest says 10/],
    [
      "a.bin",
      () => Deno.writeTextFile(join(dir, "a.bin"), "0123456789+"),
      /11 bytes where the manifest says 10/,
    ],
    ["a.bin", () => Deno.writeTextFile(join(dir, "a.bin"), "0123456788"), /checksum/],
    ["b.json", () => Deno.remove(join(dir, "b.json")), /missing; the manifest lists it/],
  ];
  for (const [file, damage, detail] of cases) {
    await Deno.writeTextFile(join(dir, "a.bin"), "0123456789");
    await Deno.writeTextFile(join(dir, "b.json"), "{}");
    await damage();
    const r = await checkManifest(dir);
    assert.equal(r.status, "damaged");
    if (r.status !== "damaged") continue;
    assert.equal(r.damage.file, join(dir, file));
    assert.match(r.damage.detail, detail);
  }
  await Deno.writeTextFile(
    join(dir, "manifest.json"),
    '{"version":1,"files":[{"name":"../x","bytes":1,"sha256":"00"}]}',
  );
  const torn = await checkManifest(dir);
  assert.equal(torn.status, "damaged");
  await Deno.remove(join(dir, "manifest.json"));
  assert.deepEqual(await checkManifest(dir), { status: "absent" });
});
