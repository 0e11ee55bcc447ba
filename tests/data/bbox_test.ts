import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "sharp";
import { loadImages, openDataset } from "../../src/data/mod.ts";
import { includes, tempDir, userError } from "./fixtures.ts";

const RED: [number, number, number] = [230, 20, 30];
const BLUE: [number, number, number] = [20, 40, 220];

/** A 40×30 grey picture with a red box at (10,5,12,8) and a blue box at (25,15,10,10). */
async function twoBoxes(path: string) {
  const rect = (w: number, h: number, c: number[]) =>
    sharp({ create: { width: w, height: h, channels: 3, background: { r: c[0], g: c[1], b: c[2] } } }).png()
      .toBuffer();
  const buf = await sharp({
    create: { width: 40, height: 30, channels: 3, background: { r: 128, g: 128, b: 128 } },
  })
    .composite([
      { input: await rect(12, 8, RED), left: 10, top: 5 },
      { input: await rect(10, 10, BLUE), left: 25, top: 15 },
    ])
    .png()
    .toBuffer();
  await Deno.writeFile(path, buf);
}

const SPEC = [
  "format: bbox-csv",
  "name: fotw-mini",
  "csv: faces.csv",
  "images: pics",
  "columns:",
  "  image: path",
  "  box: { x: left, y: top, width: w, height: h }",
  "  split: subset",
  "splits: { tr: train, va: val, te: test }",
  "heads:",
  "  smile:",
  "    column: smiling",
  '    values: { "0": not_smiling, "1": smiling }',
  "  gender:",
  "    column: sex",
  "    values: { f: female, m: male }",
].join("\n");

async function fixture(dir: string, rows: string[]) {
  await Deno.mkdir(join(dir, "pics"), { recursive: true });
  await twoBoxes(join(dir, "pics", "a.png"));
  await twoBoxes(join(dir, "pics", "b.png"));
  await Deno.writeTextFile(join(dir, "spec.yaml"), SPEC);
  await Deno.writeTextFile(
    join(dir, "faces.csv"),
    ["path,left,top,w,h,smiling,sex,subset", ...rows].join("\r\n") + "\r\n",
  );
  return join(dir, "spec.yaml");
}

const GOOD = [
  "a.png,10,5,12,8,1,f,tr",
  "a.png,25,15,10,10,0,m,tr",
  '"b.png",10,5,12,8,0,f,va',
  "b.png,25,15,10,10,1,m,te",
];
const HEADS = [{ head: "smile" }, { head: "gender" }];

Deno.test("bbox-csv: columns, value->class mapping, splits, repeated images get distinct ids", async () => {
  const dir = await tempDir();
  try {
    const spec = await fixture(dir, GOOD);
    const ds = await openDataset(spec, HEADS);
    assert.equal(ds.name, "fotw-mini");
    assert.deepEqual(ds.heads, [
      { head: "smile", attribute: "smiling", classes: ["not_smiling", "smiling"] },
      { head: "gender", attribute: "sex", classes: ["female", "male"] },
    ]);
    assert.deepEqual(ds.examples.map((e) => [e.id, e.box, e.labels, e.split]), [
      ["a.png", [10, 5, 12, 8], { smile: 1, gender: 0 }, "train"],
      ["a.png#2", [25, 15, 10, 10], { smile: 0, gender: 1 }, "train"],
      ["b.png", [10, 5, 12, 8], { smile: 0, gender: 0 }, "val"],
      ["b.png#2", [25, 15, 10, 10], { smile: 1, gender: 1 }, "test"],
    ]);
    assert.equal(ds.examples[2].where, `${join(dir, "faces.csv")}:4`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bbox-csv: faces are cropped to their box, then resized", async () => {
  const dir = await tempDir();
  try {
    const spec = await fixture(dir, GOOD);
    const ds = await openDataset(spec, HEADS);
    const cacheDir = join(dir, "cache");
    const train = await loadImages(ds, "train", { size: 8, crop: "box" }, { cacheDir });
    assert.equal(train.count, 2);
    const px = 8 * 8 * 3;
    const near = (img: Uint8Array, c: number[]) => {
      for (let i = 0; i < img.length; i += 3) {
        for (let k = 0; k < 3; k++) if (Math.abs(img[i + k] - c[k]) > 3) return false;
      }
      return true;
    };
    assert.ok(near(train.pixels.subarray(0, px), RED), "first face is the red box");
    assert.ok(near(train.pixels.subarray(px, 2 * px), BLUE), "second face is the blue box");
    assert.deepEqual([...train.labels.smile], [1, 0]);
    assert.deepEqual([...train.labels.gender], [0, 1]);
    // Without cropping the whole (mostly grey) picture is resized.
    const whole = await loadImages(ds, "train", { size: 8, crop: "none" }, { cacheDir });
    assert.ok(!near(whole.pixels.subarray(0, px), RED));
    assert.ok(
      Math.abs(whole.pixels[0] - 128) < 4 && Math.abs(whole.pixels[px - 1] - 128) < 4,
      "corners are grey",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bbox-csv: bad rows name the CSV line; unknown columns suggest; skipBad counts", async () => {
  const dir = await tempDir();
  try {
    const csv = join(dir, "faces.csv");
    const spec = await fixture(dir, [
      ...GOOD,
      "a.png,1,2,3,4,2,f,tr",
      "a.png,1,2,3,4,1,f",
      "c.png,1,2,3,4,1,f,tr",
    ]);
    const e = await userError(() => openDataset(spec, HEADS));
    assert.equal(e.where, `${csv}:6`);
    includes(e.detail, "value '2' of column 'smiling' maps to no class of head 'smile' (expected 0, 1)");
    includes(e.detail, "and 2 more problems");
    const ds = await openDataset(spec, HEADS, { skipBad: true });
    assert.equal(ds.examples.length, 4);
    assert.deepEqual(ds.problems.map((p) => p.where), [`${csv}:6`, `${csv}:7`, `${csv}:8`]);
    includes(ds.problems[1].detail, "expected 8 fields (as in the header), found 7");
    includes(ds.problems[2].detail, "image c.png not found");

    await Deno.writeTextFile(spec, SPEC.replace("column: sex", "column: gender"));
    const e2 = await userError(() => openDataset(spec, HEADS));
    assert.equal(e2.where, `${csv}:1`);
    includes(e2.detail, "no column 'gender' (heads.gender.column in");
    await Deno.writeTextFile(spec, SPEC.replace("column: sex", "column: sexx"));
    includes((await userError(() => openDataset(spec, HEADS))).detail, "did you mean 'sex'?");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bbox-csv: a box outside the picture fails at decoding, naming the CSV line; skipBad skips it", async () => {
  const dir = await tempDir();
  try {
    const csv = join(dir, "faces.csv");
    const spec = await fixture(dir, [...GOOD, "b.png,100,100,5,5,1,f,tr"]);
    const ds = await openDataset(spec, HEADS);
    const e = await userError(() =>
      loadImages(ds, "train", { size: 8, crop: "box" }, { cacheDir: join(dir, "c") })
    );
    assert.equal(e.where, `${csv}:6`);
    includes(e.detail, "passes the right and bottom edge of image");
    const lenient = await openDataset(spec, HEADS, { skipBad: true });
    const set = await loadImages(lenient, "train", { size: 8, crop: "box" }, { cacheDir: join(dir, "c") });
    assert.equal(set.count, 2);
    assert.equal(set.problems.length, 1);
    assert.deepEqual(set.ids, ["a.png", "a.png#2"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
