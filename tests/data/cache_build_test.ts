/**
 * Cache builds: a build killed halfway is finished by the next load (decoding only what is missing,
 * re-decoding a chunk whose bytes did not reach the disk), the result is the same as an uninterrupted
 * build, and two loads at once build the entry once.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "sharp";
import { loadImages, type LoadProgress, openDataset } from "../../src/data/mod.ts";
import { celebaFixture, defaultRows, tempDir, userError } from "./fixtures.ts";

const HEADS = [{ head: "smile" }, { head: "gender" }];
const PRE = { size: 32, crop: "none" } as const;
const CHILD = new URL("./fixtures/build_cache_child.ts", import.meta.url).pathname;

/** A CelebA-layout set of `n` noisy 600×600 JPEGs (slow enough to decode that a build can be caught halfway). */
async function noisyFaces(dir: string, n: number): Promise<void> {
  await celebaFixture(dir, { rows: defaultRows(n + 1), partition: [...Array(n).fill(0), 1] });
  const variants = await Promise.all(
    [10, 60, 120, 200].map((mean) =>
      sharp({
        create: {
          width: 600,
          height: 600,
          channels: 3,
          background: "#000",
          noise: { type: "gaussian", mean, sigma: 40 },
        },
      })
        .jpeg({ quality: 90 }).toBuffer()
    ),
  );
  for (let i = 0; i <= n; i++) {
    const id = `${String(i + 1).padStart(6, "0")}.png`; // the fixture's names; sharp reads by content
    await Deno.writeFile(join(dir, "img_align_celeba", id), variants[i % variants.length]);
  }
}

/** The complete lines of the build journal in `cacheDir` (none while there is no journal). */
function journalLines(cacheDir: string): string[] {
  try {
    for (const d of Deno.readDirSync(cacheDir)) {
      for (const f of Deno.readDirSync(join(cacheDir, d.name))) {
        if (!f.name.endsWith(".build.jsonl")) continue;
        const text = Deno.readTextFileSync(join(cacheDir, d.name, f.name));
        return text.split("\n").filter((l) => l.endsWith("}"));
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return [];
}

Deno.test("cache build: a build killed halfway is finished, not restarted; a chunk lost on disk is redone", async () => {
  const dir = await tempDir();
  try {
    const data = join(dir, "ds");
    await noisyFaces(data, 60);
    const cacheDir = join(dir, "cache");
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CHILD, data, cacheDir],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let exited = false;
    const status = child.status.finally(() => exited = true);
    while (!exited && journalLines(cacheDir).length < 4) await new Promise((r) => setTimeout(r, 5));
    if (!exited) child.kill("SIGKILL");
    const { success } = await status;
    const out = await child.output().catch(() => undefined);
    assert.ok(
      !success,
      `the build should have been killed halfway: ${new TextDecoder().decode(out?.stdout)}`,
    );

    // The journal lists the chunks written (2 images each, in order with one decode at a time).
    const lines = journalLines(cacheDir);
    const chunks = lines.slice(1).map((l) => JSON.parse(l).chunk as number);
    assert.ok(chunks.length >= 3 && chunks.length < 30, `chunks done when killed: ${chunks.length}`);
    assert.deepEqual(chunks, chunks.map((_, i) => i));
    // As if a power cut lost chunk 0 (journaled, bytes never written): it must be decoded again.
    const [entry] = [...Deno.readDirSync(cacheDir)];
    const part = [...Deno.readDirSync(join(cacheDir, entry.name))].find((f) => f.name.endsWith(".u8.part"))!;
    const f = await Deno.open(join(cacheDir, entry.name, part.name), { write: true });
    await f.write(new Uint8Array(2 * 32 * 32 * 3));
    f.close();

    const progress: LoadProgress[] = [];
    const ds = await openDataset(data, HEADS);
    const resumed = await loadImages(ds, "train", PRE, { cacheDir, onProgress: (p) => progress.push(p) });
    const kept = 2 * (chunks.length - 1);
    assert.equal(progress[0].resumed, kept);
    assert.equal(resumed.decoded, 60 - kept);
    assert.ok(progress.at(-1)!.done === 60 && progress.at(-1)!.rate! > 0, "progress ends with a rate");

    const clean = await loadImages(ds, "train", PRE, { cacheDir: join(dir, "clean") });
    assert.equal(clean.decoded, 60);
    assert.deepEqual(resumed.pixels, clean.pixels);
    assert.deepEqual(resumed.ids, clean.ids);
    // Finished: one header and one pixel file, no journal or part file left.
    const files = [...Deno.readDirSync(join(cacheDir, entry.name))].map((e) => e.name).sort();
    assert.equal(files.length, 2, files.join(", "));
    assert.equal((await loadImages(ds, "train", PRE, { cacheDir })).decoded, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cache build: a strict build stopped by a bad image resumes with skipBad where it stopped", async () => {
  const dir = await tempDir();
  try {
    await celebaFixture(dir, {
      rows: defaultRows(13),
      partition: [...Array(12).fill(0), 1],
      corrupt: ["000007.png"],
    });
    const cacheDir = join(dir, "cache");
    const opts = { cacheDir, chunkImages: 2, concurrency: 1 };
    const strict = await openDataset(dir, HEADS);
    const e = await userError(() => loadImages(strict, "train", PRE, opts));
    assert.match(e.detail, /cannot decode image/);
    const progress: LoadProgress[] = [];
    const lenient = await openDataset(dir, HEADS, { skipBad: true });
    const set = await loadImages(lenient, "train", PRE, { ...opts, onProgress: (p) => progress.push(p) });
    assert.equal(progress[0].resumed, 6, "images 1–6 were written before image 7 failed");
    assert.equal(set.decoded, 5);
    assert.equal(set.count, 11);
    assert.deepEqual(set.problems.map((p) => p.where), [`${join(dir, "list_attr_celeba.txt")}:9`]);
    const clean = await loadImages(lenient, "train", PRE, { ...opts, cacheDir: join(dir, "clean") });
    assert.deepEqual(set.pixels, clean.pixels);
    assert.deepEqual(set.ids, clean.ids);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cache build: two loads at once build the entry once and read the same pixels", async () => {
  const dir = await tempDir();
  try {
    await celebaFixture(dir, { rows: defaultRows(9), partition: [...Array(8).fill(0), 1] });
    const ds = await openDataset(dir, HEADS);
    const cacheDir = join(dir, "cache");
    const [a, b] = await Promise.all([1, 2].map(() => loadImages(ds, "train", PRE, { cacheDir })));
    assert.equal(a.decoded + b.decoded, 8);
    assert.deepEqual(a.pixels, b.pixels);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
