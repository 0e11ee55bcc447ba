/**
 * `deno task data:synth` as a user runs it: the CelebA layout it writes (and the loader reads), the
 * same bytes for the same seed in another process, other faces for another seed, and a folder it did
 * not write (an existing CelebA folder) left untouched unless `--force`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "sharp";
import { openDataset } from "../../src/data/mod.ts";
import { SYNTH_ATTRIBUTES } from "../../src/data/synth/face.ts";
import { SYNTH_MARKER } from "../../src/data/synth/target.ts";
import { assertExit, runTask } from "../child.ts";
import { tempDir } from "../temp.ts";
import { celebaFixture } from "./fixtures.ts";

const synth = (out: string, ...more: string[]) =>
  runTask("data:synth", ["--out", out, "--count", "12", "--size", "24", ...more], { timeoutMs: 60_000 });

/** Every file under `dir` (relative path -> bytes). */
async function tree(dir: string, prefix = ""): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for await (const e of Deno.readDir(join(dir, prefix))) {
    const rel = join(prefix, e.name);
    if (e.isDirectory) { for (const [k, v] of await tree(dir, rel)) out.set(k, v); }
    else out.set(rel, await Deno.readFile(join(dir, rel)));
  }
  return out;
}

Deno.test("data:synth writes the CelebA layout, the same bytes for a seed in another process, other faces for another seed", async () => {
  const dir = await tempDir("synth-cli-");
  const [a, b, c] = ["a", "b", "c"].map((n) => join(dir, n));
  const first = await synth(a, "--seed", "5");
  assertExit(first, 0, "data:synth");
  assert.match(
    first.stdout,
    new RegExp(`^wrote 12 faces \\(24×24\\) to ${a} in [\\d.]+ s; train/val/test 10/1/1;`),
  );

  const files = await tree(a);
  const images = [...files.keys()].filter((f) => f.startsWith("img_align_celeba/")).sort();
  assert.deepEqual(
    images,
    Array.from({ length: 12 }, (_, i) => `img_align_celeba/${String(i + 1).padStart(6, "0")}.jpg`),
  );
  assert.deepEqual(
    [...files.keys()].filter((f) => !f.startsWith("img_align_celeba/")).sort(),
    [SYNTH_MARKER, "list_attr_celeba.txt", "list_attr_clean.txt", "list_eval_partition.txt", "synth.json"],
  );
  const meta = await sharp(join(a, images[0])).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ["jpeg", 24, 24, 3]);
  const attr = (await Deno.readTextFile(join(a, "list_attr_celeba.txt"))).trimEnd().split("\n");
  assert.equal(attr[0], "12");
  assert.deepEqual(attr[1].split(" "), [...SYNTH_ATTRIBUTES]);
  for (const [i, row] of attr.slice(2).entries()) {
    const [id, ...values] = row.split(/\s+/);
    assert.equal(id, `${String(i + 1).padStart(6, "0")}.jpg`);
    assert.equal(values.length, SYNTH_ATTRIBUTES.length);
    assert.ok(values.every((v) => v === "1" || v === "-1"), row);
  }
  const partition = (await Deno.readTextFile(join(a, "list_eval_partition.txt"))).trimEnd().split("\n");
  assert.deepEqual(partition.map((l) => l.split(" ")[1]), [..."000000000012"]);
  const ds = await openDataset(a, [{ head: "smile" }, { head: "gender" }]);
  assert.equal(ds.examples.length, 12);

  assertExit(await synth(b, "--seed", "5"), 0, "data:synth again");
  const again = await tree(b);
  assert.deepEqual([...again.keys()].sort(), [...files.keys()].sort());
  for (const [name, bytes] of files) assert.deepEqual(again.get(name), bytes, name);

  assertExit(await synth(c, "--seed", "6"), 0, "data:synth, another seed");
  const other = await tree(c);
  const differ = images.filter((f) => !other.get(f)!.every((v, i) => v === files.get(f)![i]));
  assert.equal(differ.length, images.length, "every face differs");

  // Its own folder it rewrites without --force.
  assertExit(await synth(a, "--seed", "6"), 0, "data:synth over its own output");
  assert.deepEqual(await Deno.readFile(join(a, "list_attr_celeba.txt")), other.get("list_attr_celeba.txt"));
});

Deno.test("data:synth refuses a folder it did not write (a CelebA folder) without --force, and leaves it alone", async () => {
  const dir = await tempDir("synth-cli-");
  const celeba = await celebaFixture(join(dir, "celeba"));
  const before = await tree(celeba);
  const r = await synth(celeba);
  assertExit(r, 1, "data:synth onto a CelebA folder");
  assert.deepEqual(r.stderr.trim().split("\n"), [
    `error: ${celeba}: holds files that data:synth did not write (img_align_celeba, list_attr_celeba.txt, ` +
    "list_eval_partition.txt); choose another folder, or pass --force to write the synthetic set over them",
  ]);
  assert.deepEqual(await tree(celeba), before, "nothing written");

  assertExit(await synth(celeba, "--force"), 0, "data:synth --force");
  assert.equal((await Deno.readTextFile(join(celeba, "list_attr_celeba.txt"))).split("\n")[0], "12");
  await Deno.stat(join(celeba, SYNTH_MARKER));

  const file = join(dir, "file.txt");
  await Deno.writeTextFile(file, "x");
  const notDir = await synth(file);
  assertExit(notDir, 1, "data:synth onto a file");
  assert.equal(notDir.stderr.trim(), `error: ${file}: exists and is not a folder`);
});
