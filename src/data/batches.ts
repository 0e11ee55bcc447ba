import type { Batch, BatchOptions, ImageSet } from "./types.ts";

/** Number of batches one epoch yields with these options. */
export function batchCount(count: number, batchSize: number, dropRemainder = false): number {
  return dropRemainder ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/**
 * Yields the batches of one epoch, from `startBatch` on. Order and augmentation of batch `i` of
 * epoch `e` are a pure function of (seed, e, i), so a resumed run sees identical batches.
 */
export function* batches(set: ImageSet, o: BatchOptions): Generator<Batch> {
  void set, o;
  if (set) throw new Error("batches: not implemented yet");
  yield* [];
}
