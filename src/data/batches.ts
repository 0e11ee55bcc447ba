import { UserError } from "../util/errors.ts";
import { permutation, Rng } from "../util/rng.ts";
import type { Augment, Batch, BatchOptions, ImageSet } from "./types.ts";

/** Stream tags so that order and augmentation draw from independent generators. */
const ORDER_STREAM = 0x0bde5;
const AUGMENT_STREAM = 0xa06e;

/** 1/255 scaling, looked up per byte. */
const TO_UNIT = Float32Array.from({ length: 256 }, (_, i) => i / 255);

/**
 * Writes `bytes` into `out` at `offset` as floats in [0, 1]: the model's input scale, shared by
 * training batches, evaluation probes and prediction.
 */
export function toUnitFloats(bytes: Uint8Array, out: Float32Array, offset = 0): void {
  for (let k = 0; k < bytes.length; k++) out[offset + k] = TO_UNIT[bytes[k]];
}

/** Number of batches one epoch of `count` examples yields. */
export function batchCount(count: number, batchSize: number, dropRemainder = false): number {
  return dropRemainder ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/** The order in which epoch `epoch` visits the rows of a set: a pure function of (count, seed, epoch). */
export function epochOrder(count: number, shuffle: boolean, seed: number, epoch: number): Int32Array {
  if (!shuffle) return Int32Array.from({ length: count }, (_, i) => i);
  return permutation(count, new Rng(ORDER_STREAM, seed, epoch));
}

/** The augmentation of the example at `position` of epoch `epoch`: a pure function of its arguments. */
export function augmentDraw(
  aug: Augment | undefined,
  seed: number,
  epoch: number,
  position: number,
): { flip: boolean; dx: number; dy: number } {
  if (!aug || (!aug.flip && !(aug.shift > 0))) return { flip: false, dx: 0, dy: 0 };
  const rng = new Rng(AUGMENT_STREAM, seed, epoch, position);
  const flip = aug.flip && rng.chance(0.5);
  const s = Math.max(0, Math.floor(aug.shift));
  const dx = s > 0 ? rng.int(2 * s + 1) - s : 0;
  const dy = s > 0 ? rng.int(2 * s + 1) - s : 0;
  return { flip, dx, dy };
}

/**
 * Copies one size×size×3 uint8 image into `out` (floats in [0,1]) at `offset`, mirrored left-right
 * when `flip` and translated by (dx, dy) pixels, edges replicated:
 * `out(y, x) = src(clamp(y - dy), mirror(clamp(x - dx)))`.
 */
export function augmentInto(
  src: Uint8Array,
  srcOffset: number,
  size: number,
  out: Float32Array,
  offset: number,
  flip: boolean,
  dx: number,
  dy: number,
): void {
  const last = size - 1;
  const cols = new Int32Array(size);
  for (let x = 0; x < size; x++) {
    const sx = Math.min(last, Math.max(0, x - dx));
    cols[x] = (flip ? last - sx : sx) * 3;
  }
  let o = offset;
  for (let y = 0; y < size; y++) {
    const row = srcOffset + Math.min(last, Math.max(0, y - dy)) * size * 3;
    for (let x = 0; x < size; x++) {
      const p = row + cols[x];
      out[o++] = TO_UNIT[src[p]];
      out[o++] = TO_UNIT[src[p + 1]];
      out[o++] = TO_UNIT[src[p + 2]];
    }
  }
}

/** Builds batch `index` of an epoch whose order is `order` (see {@link epochOrder}). Pure. */
export function makeBatch(set: ImageSet, o: BatchOptions, order: Int32Array, index: number): Batch {
  const start = index * o.batchSize;
  const end = Math.min(order.length, start + o.batchSize);
  const count = end - start;
  const px = set.size * set.size * 3;
  const x = new Float32Array(count * px);
  const rows = order.slice(start, end);
  const labels: Record<string, Int32Array> = {};
  for (const head of Object.keys(set.labels)) labels[head] = new Int32Array(count);
  for (let j = 0; j < count; j++) {
    const r = rows[j];
    const a = augmentDraw(o.augment, o.seed, o.epoch, start + j);
    augmentInto(set.pixels, r * px, set.size, x, j * px, a.flip, a.dx, a.dy);
    for (const head in labels) labels[head][j] = set.labels[head][r];
  }
  return { index, epoch: o.epoch, count, size: set.size, x, labels, rows };
}

/**
 * Yields the batches of one epoch, from `startBatch` on. Order and augmentation of batch `i` of
 * epoch `e` are a pure function of (seed, e, i) (and the set and batch size), so a resumed run sees
 * identical batches; skipped batches cost nothing.
 */
export function* batches(set: ImageSet, o: BatchOptions): Generator<Batch> {
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) {
    throw new UserError("batchSize", `must be a positive integer, got ${o.batchSize}`);
  }
  const n = batchCount(set.count, o.batchSize, o.dropRemainder);
  const start = o.startBatch ?? 0;
  if (!Number.isInteger(start) || start < 0 || start > n) {
    throw new UserError("startBatch", `must be an integer in 0..${n}, got ${start}`);
  }
  const order = epochOrder(set.count, o.shuffle, o.seed, o.epoch);
  for (let i = start; i < n; i++) yield makeBatch(set, o, order, i);
}
