/**
 * The batch feed and the pixel file: a streamed set and batch workers give exactly the batches of
 * `batches()` on the in-memory set, and the reader returns the bytes a naive per-row read gives.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type Batch,
  batches,
  type BatchOptions,
  type ImageSet,
  type StreamedImageSet,
} from "../../src/data/mod.ts";
import { autoWorkers, BatchFeed } from "../../src/data/feed.ts";
import { PixelFile } from "../../src/data/pixel_file.ts";
import { isUserError } from "../../src/util/errors.ts";
import { tempDir } from "./fixtures.ts";

/** `count` random-looking images (seeded) in a SharedArrayBuffer, as loadImages holds them. */
function sharedSet(count: number, size: number): ImageSet {
  const pixels = new Uint8Array(new SharedArrayBuffer(count * size * size * 3));
  let s = 12345;
  for (let i = 0; i < pixels.length; i++) pixels[i] = (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
  return {
    size,
    count,
    pixels,
    labels: {
      smile: Int32Array.from({ length: count }, (_, i) => i % 2),
      gender: Int32Array.from({ length: count }, (_, i) => (i >> 1) % 2),
    },
    ids: Array.from({ length: count }, (_, i) => `img${i}`),
    problems: [],
    decoded: 0,
    fromCache: true,
  };
}

/** The same set with its pixels in a file. */
async function streamed(set: ImageSet, dir: string): Promise<StreamedImageSet> {
  const pixelFile = join(dir, "pixels.u8");
  await Deno.writeFile(pixelFile, set.pixels.slice());
  const { pixels: _, ...rest } = set;
  return { ...rest, pixelFile, readAhead: 1 << 20 };
}

/** The batches of an epoch; with `recycle`, each batch's buffer is handed back after a copy is kept. */
async function collect(feed: BatchFeed, o: BatchOptions, recycle = false): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of feed.epoch(o)) {
    out.push(recycle ? { ...b, x: b.x.slice() } : b);
    if (recycle) feed.recycle(b);
  }
  return out;
}

const O: BatchOptions = { batchSize: 7, shuffle: true, seed: 5, epoch: 2, augment: { flip: true, shift: 2 } };

Deno.test("feed: workers and a streamed set give batches() bit for bit, resumed mid-epoch too", async () => {
  const dir = await tempDir();
  try {
    const mem = sharedSet(40, 6);
    const file = await streamed(mem, dir);
    const want = [...batches(mem, O)];
    assert.equal(want.length, 6);
    assert.deepEqual([...batches(file, O)], want, "streamed, on this thread");
    for (const workers of [0, 1, 2]) {
      for (const set of [mem, file]) {
        const feed = new BatchFeed(set, { workers });
        try {
          const kind = `${"pixels" in set ? "memory" : "file"}, ${workers} workers`;
          assert.deepEqual(await collect(feed, O), want, kind);
          assert.deepEqual(await collect(feed, { ...O, startBatch: 4 }), want.slice(4), `${kind}, resumed`);
          const other = await collect(feed, { ...O, epoch: 3 }, true);
          assert.deepEqual(
            other,
            [...batches(mem, { ...O, epoch: 3 })],
            `${kind}, next epoch, buffers recycled`,
          );
          assert.deepEqual(await collect(feed, O, true), want, `${kind}, recycled buffers again`);
        } finally {
          feed.close();
        }
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("feed: a small read-ahead still works (one batch in flight); an early stop leaves nothing running", async () => {
  const dir = await tempDir();
  try {
    const mem = sharedSet(30, 5);
    const file = await streamed(mem, dir);
    const feed = new BatchFeed(file, { workers: 1, readAhead: 1 });
    try {
      assert.deepEqual(await collect(feed, O), [...batches(mem, O)]);
      let n = 0;
      for await (const _ of feed.epoch(O)) if (++n === 2) break;
      assert.equal(n, 2);
    } finally {
      feed.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("feed: a cache file cut short is a UserError naming it, from a worker or this thread", async () => {
  const dir = await tempDir();
  try {
    const file = await streamed(sharedSet(20, 4), dir);
    await Deno.truncate(file.pixelFile, 100);
    for (const workers of [0, 1]) {
      const feed = new BatchFeed(file, { workers });
      try {
        await assert.rejects(() => collect(feed, O), (e) => {
          assert.ok(isUserError(e), String(e));
          assert.equal(e.where, file.pixelFile);
          assert.match(e.detail, /cannot read the image cache/);
          return true;
        });
      } finally {
        feed.close();
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("feed: auto starts workers for large batches and streamed sets only", () => {
  const cores = navigator.hardwareConcurrency ?? 2;
  const expected = Math.max(1, Math.min(4, cores - 1));
  assert.equal(autoWorkers(sharedSet(4, 8), 64), 0, "a small in-memory batch");
  const big = { ...sharedSet(1, 8), size: 224, count: 1000 };
  assert.equal(autoWorkers(big, 64), expected, "64 images at 224×224");
  const plain = { ...big, pixels: new Uint8Array(8) };
  assert.equal(autoWorkers(plain, 64), 0, "pixels not shareable");
  const { pixels: _, ...rest } = sharedSet(4, 8);
  assert.equal(autoWorkers({ ...rest, pixelFile: "x", readAhead: 1 }, 4), expected, "streamed");
});

Deno.test("pixel file: rows in any order, repeated or adjacent, read as a naive read of each row", async () => {
  const dir = await tempDir();
  try {
    const rowBytes = 5, count = 50;
    const bytes = Uint8Array.from({ length: rowBytes * count }, (_, i) => (i * 7) % 251);
    const path = join(dir, "rows.u8");
    await Deno.writeFile(path, bytes);
    const f = PixelFile.open(path, rowBytes, count, 2);
    try {
      const cases = [
        [3, 4, 5, 6],
        [49, 0, 10, 9, 8],
        [7, 7, 2, 7],
        Array.from({ length: 50 }, (_, i) => 49 - i),
      ];
      for (const rows of cases.map((r) => Int32Array.from(r))) {
        for (const got of [f.readSync(rows), await f.read(rows)]) {
          rows.forEach((r, j) => {
            const at = got.offsets[j];
            assert.deepEqual(
              got.bytes.subarray(at, at + rowBytes),
              bytes.subarray(r * rowBytes, (r + 1) * rowBytes),
            );
          });
        }
      }
      // Many reads at once share the two handles.
      const all = await Promise.all(cases.map((r) => f.read(Int32Array.from(r))));
      assert.equal(all.length, cases.length);
      assert.throws(() => f.readSync(Int32Array.from([50])), RangeError);
    } finally {
      f.close();
    }
    assert.throws(() => PixelFile.open(path, rowBytes, count + 1), /cannot read the image cache/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
