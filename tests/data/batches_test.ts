import assert from "node:assert/strict";
import { batchCount, batches, type ImageSet, prefetch } from "../../src/data/mod.ts";
import { augmentInto } from "../../src/data/batches.ts";

/** A set of `count` size×size images whose pixel (y, x) of image i is (i, y, x); label = i % 3. */
function gridSet(count: number, size: number): ImageSet {
  const pixels = new Uint8Array(count * size * size * 3);
  for (let i = 0; i < count; i++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) pixels.set([i, y, x], ((i * size + y) * size + x) * 3);
    }
  }
  return {
    size,
    count,
    pixels,
    labels: { smile: Int32Array.from({ length: count }, (_, i) => i % 3) },
    ids: Array.from({ length: count }, (_, i) => `img${i}`),
    problems: [],
    decoded: count,
    fromCache: false,
  };
}

const px = (b: { x: Float32Array; size: number }, j: number, y: number, x: number) => {
  const o = ((j * b.size + y) * b.size + x) * 3;
  return [0, 1, 2].map((k) => Math.round(b.x[o + k] * 255));
};

Deno.test("batches: one epoch visits every example once; labels follow their images; last batch is smaller", () => {
  const set = gridSet(23, 4);
  const all = [...batches(set, { batchSize: 5, shuffle: true, seed: 7, epoch: 0 })];
  assert.equal(all.length, batchCount(23, 5));
  assert.deepEqual(all.map((b) => b.count), [5, 5, 5, 5, 3]);
  const seen = all.flatMap((b) => [...b.rows]).sort((a, b) => a - b);
  assert.deepEqual(seen, Array.from({ length: 23 }, (_, i) => i));
  for (const b of all) {
    for (let j = 0; j < b.count; j++) {
      assert.equal(px(b, j, 0, 0)[0], b.rows[j]);
      assert.equal(b.labels.smile[j], b.rows[j] % 3);
    }
  }
  assert.equal(
    [...batches(set, { batchSize: 5, shuffle: false, seed: 7, epoch: 0, dropRemainder: true })].length,
    4,
  );
  assert.deepEqual([...[...batches(set, { batchSize: 5, shuffle: false, seed: 1, epoch: 3 })][1].rows], [
    5,
    6,
    7,
    8,
    9,
  ]);
});

Deno.test("batches: same (seed, epoch, index) gives identical batches; startBatch resumes identically", () => {
  const set = gridSet(40, 6);
  const o = { batchSize: 8, shuffle: true, seed: 3, epoch: 2, augment: { flip: true, shift: 2 } };
  const a = [...batches(set, o)];
  const b = [...batches(set, o)];
  assert.deepEqual(a, b);
  const resumed = [...batches(set, { ...o, startBatch: 3 })];
  assert.deepEqual(resumed.map((r) => r.index), [3, 4]);
  assert.deepEqual(resumed, a.slice(3));
  const otherEpoch = [...batches(set, { ...o, epoch: 3 })];
  assert.notDeepEqual(otherEpoch[0].rows, a[0].rows);
  const otherSeed = [...batches(set, { ...o, seed: 4 })];
  assert.notDeepEqual(otherSeed[0].rows, a[0].rows);
  assert.equal([...batches(set, { ...o, startBatch: 5 })].length, 0);
  assert.throws(() => [...batches(set, { ...o, startBatch: 6 })], /startBatch/);
});

Deno.test("batches: augmentation flips columns and shifts pixels (edges replicated)", () => {
  const size = 5;
  const src = gridSet(1, size).pixels;
  const out = new Float32Array(size * size * 3);
  const at = (y: number, x: number) => [1, 2].map((k) => Math.round(out[(y * size + x) * 3 + k] * 255));
  augmentInto(src, 0, size, out, 0, true, 0, 0);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) assert.deepEqual(at(y, x), [y, size - 1 - x]);
  augmentInto(src, 0, size, out, 0, false, 2, -1);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      assert.deepEqual(at(y, x), [
        Math.min(size - 1, Math.max(0, y + 1)),
        Math.min(size - 1, Math.max(0, x - 2)),
      ]);
    }
  }
  // Inside batches: every image is a flipped and/or shifted copy; with no augment, an exact copy in [0,1].
  const set = gridSet(16, 6);
  const plain = [...batches(set, { batchSize: 16, shuffle: false, seed: 1, epoch: 0 })][0];
  assert.deepEqual(px(plain, 3, 2, 4), [3, 2, 4]);
  assert.ok(plain.x.every((v) => v >= 0 && v <= 1));
  const aug = [...batches(set, {
    batchSize: 16,
    shuffle: false,
    seed: 1,
    epoch: 0,
    augment: { flip: true, shift: 1 },
  })][0];
  // Each image must be exactly one of the 2×3×3 flip/shift variants of its source; several kinds must occur.
  const kinds = new Set<string>();
  const clampc = (v: number) => Math.min(5, Math.max(0, v));
  for (let j = 0; j < 16; j++) {
    const match = [false, true].flatMap((flip) =>
      [-1, 0, 1].flatMap((dx) => [-1, 0, 1].map((dy) => ({ flip, dx, dy })))
    ).filter(({ flip, dx, dy }) => {
      for (let y = 0; y < 6; y++) {
        for (let x = 0; x < 6; x++) {
          const sx = clampc(x - dx);
          const want = [aug.rows[j], clampc(y - dy), flip ? 5 - sx : sx];
          if (px(aug, j, y, x).join() !== want.join()) return false;
        }
      }
      return true;
    });
    assert.ok(match.length >= 1, `image ${j} is a flip/shift of its source`);
    kinds.add(`${match[0].flip} ${match[0].dx !== 0 || match[0].dy !== 0}`);
  }
  assert.ok(kinds.size >= 3, `flips and shifts both occur (${[...kinds]})`);
});

Deno.test("prefetch: yields the same items in order, works with early exit", async () => {
  const set = gridSet(30, 3);
  const o = { batchSize: 4, shuffle: true, seed: 9, epoch: 1, augment: { flip: true, shift: 1 } };
  const direct = [...batches(set, o)];
  const got = [];
  for await (const b of prefetch(batches(set, o), 2)) {
    await new Promise((r) => setTimeout(r, 1)); // a "training step"
    got.push(b);
  }
  assert.deepEqual(got, direct);
  let n = 0;
  for await (const _ of prefetch(batches(set, o))) if (++n === 2) break;
  assert.equal(n, 2);
  const failing = function* () {
    yield 1;
    throw new Error("boom");
  };
  const items: number[] = [];
  await assert.rejects(async () => {
    for await (const v of prefetch(failing(), 3)) items.push(v);
  }, /boom/);
  assert.deepEqual(items, [1]);
});
