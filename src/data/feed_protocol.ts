/**
 * Messages between `BatchFeed` and its batch workers.
 *
 * @module
 */
import type { Augment } from "./types.ts";

/** Where a worker reads images: pixels in a SharedArrayBuffer, or the cache's pixel file. */
export type FeedSource =
  | { kind: "memory"; size: number; count: number; pixels: Uint8Array }
  | { kind: "file"; size: number; count: number; path: string; handles: number };

/** One batch to assemble: its rows in batch order and the epoch position of the first. */
export interface FeedJob {
  rows: Int32Array;
  first: number;
  size: number;
  seed: number;
  epoch: number;
  augment?: Augment;
  /** A buffer of the batch's float size to write into (a recycled one, transferred), else a new one. */
  out?: Float32Array<ArrayBuffer>;
}

/** Main thread → worker (a worker is stopped with `terminate()`, which also closes its files). */
export type FeedRequest =
  | { type: "source"; source: FeedSource }
  | { type: "job"; id: number; job: FeedJob };

/** Worker → main thread: the batch's floats, or why not (a UserError's parts, or a message). */
export type FeedReply =
  | { id: number; x: Float32Array<ArrayBuffer> }
  | { id: number; error: { where: string; detail: string } | { message: string } };
