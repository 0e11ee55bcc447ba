import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "sharp";
import { loadImages, openDataset } from "../../src/data/mod.ts";
import { celebaFixture, includes, tempDir, userError } from "./fixtures.ts";

const HEADS = [{ head: "smile" }, { head: "gender" }];
const PRE = { size: 6, crop: "box" } as const;

Deno.test("images: the second load comes from the cache and decodes nothing", async () => {
  const dir = await tempDir();
  try {
    await celebaFixture(join(dir, "ds"));
    const cacheDir = join(dir, "cache");
    const ds = await openDataset(join(dir, "ds"), HEADS);
    const progress: boolean[] = [];
    const first = await loadImages(ds, "train", PRE, {
      cacheDir,
      onProgress: (p) => progress.push(p.cached),
    });
    assert.equal(first.fromCache, false);
    assert.equal(first.decoded, 6);
    assert.equal(first.pixels.length, 6 * 6 * 6 * 3);
    assert.deepEqual([...first.labels.gender], [0, 1, 0, 1, 0, 1]);
    // Solid colours survive decoding: image i is (20i, 255-20i, 100).
    assert.deepEqual([...first.pixels.subarray(6 * 6 * 3 * 2, 6 * 6 * 3 * 2 + 3)], [40, 215, 100]);

    const again = await openDataset(join(dir, "ds"), HEADS);
    const second = await loadImages(again, "train", PRE, {
      cacheDir,
      onProgress: (p) => progress.push(p.cached),
    });
    assert.equal(second.fromCache, true);
    assert.equal(second.decoded, 0);
    assert.deepEqual(second.pixels, first.pixels);
    assert.deepEqual(second.labels, first.labels);
    assert.deepEqual(second.ids, first.ids);
    assert.ok(progress.includes(true));

    // The cache layout: one header and one pixel file per (dataset, split, preprocessing).
    const [entry] = [...Deno.readDirSync(cacheDir)];
    const files = [...Deno.readDirSync(join(cacheDir, entry.name))].map((e) => e.name).sort();
    assert.equal(files.length, 2);
    assert.match(files[0], /^train-6-box-fill-[0-9a-f]{16}\.u8$/);
    assert.equal(files[1], "train-6-box-fill.json");

    // Other settings are another entry; a changed source file invalidates the entry.
    const bigger = await loadImages(again, "train", { size: 4, crop: "box" }, { cacheDir });
    assert.equal(bigger.decoded, 6);
    const file = again.examples[0].file;
    await sharp({ create: { width: 12, height: 16, channels: 3, background: "#000000" } }).png().toFile(file);
    await Deno.utime(file, new Date(), new Date(Date.now() + 5000));
    const third = await loadImages(await openDataset(join(dir, "ds"), HEADS), "train", PRE, { cacheDir });
    assert.equal(third.decoded, 6);
    assert.deepEqual([...third.pixels.subarray(0, 3)], [0, 0, 0]);
    const fourth = await loadImages(await openDataset(join(dir, "ds"), HEADS), "train", PRE, { cacheDir });
    assert.equal(fourth.decoded, 0);
    assert.equal(
      files.length,
      [...Deno.readDirSync(join(cacheDir, entry.name))].filter((f) => f.name.startsWith("train-6-")).length,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("images: a corrupt image is a UserError naming the label line; skipBad leaves it out", async () => {
  const dir = await tempDir();
  try {
    await celebaFixture(dir, { corrupt: ["000002.png"] });
    const cacheDir = join(dir, "cache");
    const strict = await openDataset(dir, HEADS);
    const e = await userError(() => loadImages(strict, "train", PRE, { cacheDir }));
    assert.equal(e.where, `${join(dir, "list_attr_celeba.txt")}:4`);
    includes(e.detail, "cannot decode image");
    const lenient = await openDataset(dir, HEADS, { skipBad: true });
    const set = await loadImages(lenient, "train", PRE, { cacheDir });
    assert.equal(set.count, 5);
    assert.equal(set.problems.length, 1);
    assert.ok(!set.ids.includes("000002.png"));
    assert.deepEqual([...set.labels.gender], [0, 0, 1, 0, 1]);
    // The cached entry remembers the skipped image, and a strict open still fails on it.
    const cached = await loadImages(lenient, "train", PRE, { cacheDir });
    assert.equal(cached.decoded, 0);
    assert.equal(cached.problems.length, 1);
    await userError(() => loadImages(strict, "train", PRE, { cacheDir }));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("images: greyscale and RGBA inputs become 3-channel RGB; loading an empty split fails", async () => {
  const dir = await tempDir();
  try {
    await celebaFixture(dir, { partition: [0, 0, 0, 0, 0, 0, 0, 0, 1, 1] });
    const img = join(dir, "img_align_celeba");
    await sharp({ create: { width: 5, height: 5, channels: 3, background: "#808080" } }).greyscale().png()
      .toFile(join(img, "000001.png"));
    await sharp({
      create: { width: 5, height: 5, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 1 } },
    }).png()
      .toFile(join(img, "000002.png"));
    const ds = await openDataset(dir, HEADS);
    const set = await loadImages(ds, "train", { size: 3, crop: "none" }, { cacheDir: join(dir, "c") });
    assert.deepEqual([...set.pixels.subarray(0, 3)], [128, 128, 128]);
    assert.deepEqual([...set.pixels.subarray(27, 30)], [10, 20, 30]);
    const e = await userError(() => loadImages(ds, "test", PRE, { cacheDir: join(dir, "c") }));
    includes(e.detail, "the test split of dataset");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
