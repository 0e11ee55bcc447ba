/**
 * Images that cannot be used are one line naming the label row and the file: a truncated JPEG or PNG
 * (also when many fail at once, where the decoder itself only says "Unknown error"), an empty file,
 * and a face box that passes the image's edge.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "sharp";
import { decodeImage } from "../../src/data/decode.ts";
import { loadImages, openDataset } from "../../src/data/mod.ts";
import { celebaFixture, solidImage, userError } from "./fixtures.ts";
import { tempDir } from "../temp.ts";

/** A noisy 48×40 picture (so its JPEG has real scan data), as JPEG or PNG bytes. */
async function picture(format: "jpeg" | "png"): Promise<Uint8Array> {
  const raw = new Uint8Array(48 * 40 * 3).map((_, i) => (i * 7919 + (i >> 6)) % 256);
  const img = sharp(raw, { raw: { width: 48, height: 40, channels: 3 } });
  return new Uint8Array(format === "jpeg" ? await img.jpeg().toBuffer() : await img.png().toBuffer());
}

Deno.test("decode: truncated JPEG and PNG files and empty files say so, naming the file", async () => {
  const dir = await tempDir("decode-");
  const jpeg = await picture("jpeg");
  const png = await picture("png");
  const cases: [string, Uint8Array, string][] = [
    [
      "half.jpg",
      jpeg.subarray(0, jpeg.length >> 1),
      `truncated JPEG (${jpeg.length >> 1} bytes, no end-of-image marker)`,
    ],
    ["head.jpg", jpeg.subarray(0, 40), "truncated JPEG (40 bytes, no end-of-image marker)"],
    ["cut.png", png.subarray(0, png.length - 20), `truncated PNG (${png.length - 20} bytes, no IEND chunk)`],
    ["empty.jpg", new Uint8Array(), "the file is empty"],
  ];
  for (const [name, bytes, reason] of cases) {
    const file = join(dir, name);
    await Deno.writeFile(file, bytes);
    const e = await userError(() => decodeImage(file, undefined, 16, "labels.txt:7"));
    assert.equal(e.message, `labels.txt:7: cannot decode image ${file}: ${reason}`);
  }
});

Deno.test("decode: many truncated images failing at once still each say why (not 'Unknown error')", async () => {
  const dir = await tempDir("decode-");
  const jpeg = await picture("jpeg");
  const good = join(dir, "good.jpg");
  await Deno.writeFile(good, jpeg);
  const files = await Promise.all(Array.from({ length: 12 }, async (_, i) => {
    const file = join(dir, `bad${i}.jpg`);
    await Deno.writeFile(file, jpeg.subarray(0, 200 + 40 * i));
    return file;
  }));
  // Decoded side by side with good images, as the loader's pool does.
  const results = await Promise.allSettled(
    files.flatMap((f) => [decodeImage(f, undefined, 16, f), decodeImage(good, undefined, 16, good)]),
  );
  const reasons = results.filter((r) => r.status === "rejected").map((r) => (r.reason as Error).message);
  assert.equal(reasons.length, files.length);
  for (const [i, message] of reasons.entries()) {
    assert.equal(
      message,
      `${files[i]}: cannot decode image ${files[i]}: truncated JPEG (${
        200 + 40 * i
      } bytes, no end-of-image marker)`,
    );
  }
});

Deno.test("decode: a truncated JPEG in a dataset stops loading with the label row and the file", async () => {
  const dir = await tempDir("decode-");
  await celebaFixture(dir);
  // The loader goes by the bytes, not the name: a JPEG cut short where a PNG was.
  const file = join(dir, "img_align_celeba", "000002.png");
  const jpeg = await picture("jpeg");
  await Deno.writeFile(file, jpeg.subarray(0, 300));
  const ds = await openDataset(dir, [{ head: "smile" }]);
  const e = await userError(() =>
    loadImages(ds, "train", { size: 8, crop: "box" }, { cacheDir: join(dir, "c") })
  );
  assert.equal(
    e.message,
    `${join(dir, "list_attr_celeba.txt")}:4: cannot decode image ${file}: ` +
      "truncated JPEG (300 bytes, no end-of-image marker)",
  );
});

Deno.test("decode: a face box that passes the image's edge names the edge; a pixel of rounding is fine", async () => {
  const dir = await tempDir("decode-");
  const file = join(dir, "face.png");
  await solidImage(file, 40, 30, [200, 30, 30]);
  const fails = async (box: [number, number, number, number], edges: string) => {
    const e = await userError(() => decodeImage(file, box, 8, "faces.csv:3"));
    assert.equal(
      e.message,
      `faces.csv:3: box [${box.join(", ")}] passes the ${edges} edge of image ${file} (40×30)`,
    );
  };
  await fails([30, 5, 20, 10], "right");
  await fails([5, 25, 10, 10], "bottom");
  await fails([-5, 0, 10, 10], "left");
  await fails([30, 25, 20, 20], "right and bottom");
  await fails([100, 100, 5, 5], "right and bottom");
  for (
    const box of [[0, 0, 40, 30], [0.4, 0, 40.4, 30.4], [-0.6, -0.4, 10, 10]] as [
      number,
      number,
      number,
      number,
    ][]
  ) {
    const px = await decodeImage(file, box, 8, "faces.csv:3");
    assert.deepEqual([...px.subarray(0, 3)], [200, 30, 30], `box ${box}`);
  }
});
