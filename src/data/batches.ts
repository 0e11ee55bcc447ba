import { UserError } from "../util/errors.ts";
import { permutation, Rng } from "../util/rng.ts";
import { memoryRows, PixelFile, type RowBytes } from "./pixel_file.ts";
import type { Augment, Batch, BatchOptions, ImageSource, SplitImages } from "./types.ts";

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

/**
 * The order in which epoch `epoch` visits the rows of a set: a pure function of (count, seed, epoch),
 * so a resumed run repeats it. How random: a uniform draw from all permutations of the whole split
 * (Fisher–Yates on a seeded mulberry32 stream), whatever the split's size and whether its pixels
 * are in memory or streamed. At scale that costs one read per image from the cache file (no block
 * order or shuffle buffer that would make results depend on the memory budget); at 224×224 an image
 * is a 150 KB contiguous read, which an SSD or the page cache serves far above the step rate.
 */
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

/** What the pixels of a batch depend on besides its rows: the augmentation drawn per epoch position. */
export type AugmentOptions = Pick<BatchOptions, "augment" | "seed" | "epoch">;

/**
 * Writes the images of `src` (rows in batch order) into `out` as floats in [0,1], the image at batch
 * position j augmented as epoch position `first + j` (see {@link augmentDraw}). Pure: the training
 * thread and the batch workers produce the same bytes.
 */
export function assemblePixels(
  src: RowBytes,
  size: number,
  o: AugmentOptions,
  first: number,
  out: Float32Array,
): void {
  const px = size * size * 3;
  for (let j = 0; j < src.offsets.length; j++) {
    const a = augmentDraw(o.augment, o.seed, o.epoch, first + j);
    augmentInto(src.bytes, src.offsets[j], size, out, j * px, a.flip, a.dx, a.dy);
  }
}

/** The rows batch `index` of an epoch visits, in batch order. */
export function batchRows(order: Int32Array, batchSize: number, index: number): Int32Array {
  return order.slice(index * batchSize, Math.min(order.length, (index + 1) * batchSize));
}

/** The labels of `rows`, per head. */
export function batchLabels(set: SplitImages, rows: Int32Array): Record<string, Int32Array> {
  const labels: Record<string, Int32Array> = {};
  for (const head of Object.keys(set.labels)) {
    labels[head] = Int32Array.from(rows, (r) => set.labels[head][r]);
  }
  return labels;
}

/**
 * The bytes of `rows` of a set, now, on this thread: in-memory pixels without a copy, a streamed set's
 * from `file` (opened and closed here when not given).
 */
export function rowBytesSync(set: ImageSource, rows: Int32Array, file?: PixelFile): RowBytes {
  const px = set.size * set.size * 3;
  if ("pixels" in set) return memoryRows(set.pixels, px, rows);
  const f = file ?? PixelFile.open(set.pixelFile, px, set.count, 0);
  try {
    return f.readSync(rows);
  } finally {
    if (!file) f.close();
  }
}

/**
 * Builds batch `index` of an epoch whose order is `order` (see {@link epochOrder}). Pure: a streamed
 * set gives the same batch as the same set in memory.
 */
export function makeBatch(
  set: ImageSource,
  o: BatchOptions,
  order: Int32Array,
  index: number,
  file?: PixelFile,
): Batch {
  const rows = batchRows(order, o.batchSize, index);
  const x = new Float32Array(rows.length * set.size * set.size * 3);
  assemblePixels(rowBytesSync(set, rows, file), set.size, o, index * o.batchSize, x);
  return {
    index,
    epoch: o.epoch,
    count: rows.length,
    size: set.size,
    x,
    labels: batchLabels(set, rows),
    rows,
  };
}

/** Checks batch size and start batch; returns the epoch's batch count. */
export function checkBatchOptions(count: number, o: BatchOptions): number {
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) {
    throw new UserError("batchSize", `must be a positive integer, got ${o.batchSize}`);
  }
  const n = batchCount(count, o.batchSize, o.dropRemainder);
  const start = o.startBatch ?? 0;
  if (!Number.isInteger(start) || start < 0 || start > n) {
    throw new UserError("startBatch", `must be an integer in 0..${n}, got ${start}`);
  }
  return n;
}

/**
 * Yields the batches of one epoch, from `startBatch` on, on the calling thread. Order and
 * augmentation of batch `i` of epoch `e` are a pure function of (seed, e, i) (and the set and batch
 * size), so a resumed run sees identical batches; skipped batches cost nothing. A streamed set is
 * read batch by batch (one batch of bytes resident); see `BatchFeed` for reading ahead on workers.
 */
export function* batches(set: ImageSource, o: BatchOptions): Generator<Batch> {
  const n = checkBatchOptions(set.count, o);
  const order = epochOrder(set.count, o.shuffle, o.seed, o.epoch);
  const file = "pixels" in set
    ? undefined
    : PixelFile.open(set.pixelFile, set.size * set.size * 3, set.count, 0);
  try {
    for (let i = o.startBatch ?? 0; i < n; i++) yield makeBatch(set, o, order, i, file);
  } finally {
    file?.close();
  }
}
