/**
 * The batch feed of training: the batches of `batches()`, bit for bit, prepared ahead of the step
 * with bounded memory. Where it pays (large batches, or a streamed set) batch workers read and augment
 * the images off the training thread, so a step never waits on data while the data rate is above the
 * step rate; small in-memory batches are made on the calling thread, as `batches()` does.
 *
 * @module
 */
import { UserError } from "../util/errors.ts";
import { assemblePixels, batches, batchLabels, batchRows, checkBatchOptions, epochOrder } from "./batches.ts";
import type { FeedJob, FeedReply, FeedRequest, FeedSource } from "./feed_protocol.ts";
import { PixelFile } from "./pixel_file.ts";
import type { Batch, BatchOptions, ImageSource, StreamedImageSet } from "./types.ts";

/** A batch with fewer pixel bytes than this is made on the training thread (a few ms at most). */
export const WORKER_MIN_BATCH_BYTES = 512 * 1024;
/** Most workers "auto" starts: one keeps up with well over a thousand 224×224 images a second. */
const MAX_AUTO_WORKERS = 4;
/** Read-ahead of a set that names none: 256 MiB. */
const DEFAULT_READ_AHEAD = 256 * 1024 * 1024;
/** Parallel reads per file reader (the disk's queue depth). */
const READ_HANDLES = 4;

/** Options of {@link BatchFeed}. */
export interface FeedOptions {
  /**
   * Batch workers: `"auto"` (default) starts one per core but one (at most 4) when a batch holds at
   * least {@link WORKER_MIN_BATCH_BYTES} of pixels or the set is streamed, and none otherwise; 0 makes
   * every batch on the calling thread.
   */
  workers?: number | "auto";
  /** Bytes the batches prepared ahead may take (default: the set's `readAhead`, else 256 MiB). */
  readAhead?: number;
}

/** Makes the floats of one batch. */
interface Assembler {
  assemble(job: FeedJob): Promise<Float32Array>;
  close(): void;
}

/** Workers "auto" would start for `set` at `batchSize`. */
export function autoWorkers(set: ImageSource, batchSize: number): number {
  const shareable = !("pixels" in set) || set.pixels.buffer instanceof SharedArrayBuffer;
  const streamed = !("pixels" in set);
  const batchBytes = Math.min(batchSize, set.count) * set.size * set.size * 3;
  if (!shareable || (!streamed && batchBytes < WORKER_MIN_BATCH_BYTES)) return 0;
  return Math.max(1, Math.min(MAX_AUTO_WORKERS, (navigator.hardwareConcurrency ?? 2) - 1));
}

/** Batches on the calling thread, reading a streamed set asynchronously (reads overlap the step). */
class LocalAssembler implements Assembler {
  #file: PixelFile;
  constructor(set: StreamedImageSet) {
    this.#file = PixelFile.open(set.pixelFile, set.size * set.size * 3, set.count, READ_HANDLES);
  }
  async assemble(job: FeedJob): Promise<Float32Array> {
    const src = await this.#file.read(job.rows);
    const floats = job.rows.length * job.size * job.size * 3;
    const x = job.out?.length === floats ? job.out : new Float32Array(floats);
    assemblePixels(src, job.size, job, job.first, x);
    return x;
  }
  close(): void {
    this.#file.close();
  }
}

/** Batches on worker threads, handed out round-robin; each reply's buffer is transferred, not copied. */
class WorkerAssembler implements Assembler {
  #workers: Worker[] = [];
  #waiting = new Map<number, { resolve: (x: Float32Array) => void; reject: (e: Error) => void }>();
  #id = 0;

  constructor(source: FeedSource, count: number) {
    for (let i = 0; i < count; i++) {
      const w = new Worker(new URL("./batch_worker.ts", import.meta.url).href, { type: "module" });
      w.onmessage = (e: MessageEvent<FeedReply>) => this.#reply(e.data);
      w.onerror = (e) => {
        e.preventDefault();
        this.#failAll(new Error(`batch worker failed: ${e.message}`));
      };
      w.postMessage({ type: "source", source } satisfies FeedRequest);
      this.#workers.push(w);
    }
  }

  assemble(job: FeedJob): Promise<Float32Array> {
    if (this.#workers.length === 0) return Promise.reject(new Error("batch feed closed"));
    const id = this.#id++;
    const worker = this.#workers[id % this.#workers.length];
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      worker.postMessage({ type: "job", id, job } satisfies FeedRequest, job.out ? [job.out.buffer] : []);
    });
  }

  close(): void {
    for (const w of this.#workers) w.terminate();
    this.#workers = [];
    this.#failAll(new Error("batch feed closed"));
  }

  #reply(r: FeedReply): void {
    const waiting = this.#waiting.get(r.id);
    if (!waiting) return;
    this.#waiting.delete(r.id);
    if ("x" in r) waiting.resolve(r.x);
    else if ("where" in r.error) waiting.reject(new UserError(r.error.where, r.error.detail));
    else waiting.reject(new Error(r.error.message));
  }

  #failAll(e: Error): void {
    for (const w of this.#waiting.values()) w.reject(e);
    this.#waiting.clear();
  }
}

/**
 * Feeds the batches of a set epoch after epoch. Make one per training run and {@link close} it at
 * the end (it may hold workers and open files).
 *
 * @example
 * ```ts
 * const feed = new BatchFeed(train);
 * try {
 *   for await (const b of feed.epoch({ batchSize: 64, shuffle: true, seed: 1, epoch: 1 })) step(b);
 * } finally {
 *   feed.close();
 * }
 * ```
 */
export class BatchFeed {
  #assembler?: Assembler;
  /** Float buffers of batches the caller is done with (see {@link recycle}). */
  #spare: Float32Array<ArrayBuffer>[] = [];
  #workers: number | "auto";
  #readAhead: number;

  constructor(readonly set: ImageSource, o: FeedOptions = {}) {
    this.#workers = o.workers ?? "auto";
    this.#readAhead = o.readAhead ?? ("readAhead" in set ? set.readAhead : DEFAULT_READ_AHEAD);
  }

  /** The workers this feed uses at `batchSize` (0: the calling thread). */
  workersFor(batchSize: number): number {
    return this.#workers === "auto" ? autoWorkers(this.set, batchSize) : Math.max(0, this.#workers);
  }

  /**
   * The batches of one epoch from `o.startBatch` on, identical to `batches(set, o)`. Up to as many
   * batches as fit in the read-ahead budget (at least one, at most two per worker and one more) are in
   * preparation while the caller works on the current one.
   */
  async *epoch(o: BatchOptions): AsyncGenerator<Batch> {
    const set = this.set;
    const n = checkBatchOptions(set.count, o);
    const workers = this.workersFor(o.batchSize);
    if (workers === 0 && "pixels" in set) {
      yield* batches(set, o);
      return;
    }
    const assembler = this.#assembler ??= this.#start(workers);
    const order = epochOrder(set.count, o.shuffle, o.seed, o.epoch);
    // Bytes a batch in flight may take: its image bytes as read plus its floats.
    const perBatch = Math.min(o.batchSize, set.count) * set.size * set.size * 3 * 5;
    const depth = Math.max(1, Math.min(Math.floor(this.#readAhead / perBatch), 2 * Math.max(1, workers) + 1));
    const queue: { index: number; rows: Int32Array; x: Promise<Float32Array> }[] = [];
    let next = o.startBatch ?? 0;
    const request = () => {
      const index = next++;
      const rows = batchRows(order, o.batchSize, index);
      const floats = rows.length * set.size * set.size * 3;
      const spare = this.#spare.findIndex((s) => s.length === floats);
      const x = assembler.assemble({
        out: spare >= 0 ? this.#spare.splice(spare, 1)[0] : undefined,
        rows,
        first: index * o.batchSize,
        size: set.size,
        seed: o.seed,
        epoch: o.epoch,
        augment: o.augment,
      });
      x.catch(() => {}); // rethrown when awaited; not unhandled when the caller stops early
      queue.push({ index, rows, x });
    };
    while (queue.length < depth && next < n) request();
    while (queue.length > 0) {
      const { index, rows, x } = queue.shift()!;
      const pixels = await x;
      if (next < n) request();
      yield {
        index,
        epoch: o.epoch,
        count: rows.length,
        size: set.size,
        x: pixels,
        labels: batchLabels(set, rows),
        rows,
      };
    }
  }

  /**
   * Hands back a batch's floats for a later batch to be written into, saving the allocation (and page
   * faults) of a new buffer. Only once nothing reads `b.x` any more: after the step, whose tensors
   * are disposed. Batches made on the calling thread (small, in memory) are not recycled.
   */
  recycle(b: Batch): void {
    const x = b.x;
    const usable = x.length > 0 && x.buffer instanceof ArrayBuffer && !this.#spare.includes(x as never);
    if (this.#assembler && this.#spare.length < 4 && usable) {
      this.#spare.push(x as Float32Array<ArrayBuffer>);
    }
  }

  /** Stops the workers and closes the files. */
  close(): void {
    this.#assembler?.close();
    this.#assembler = undefined;
  }

  #start(workers: number): Assembler {
    const set = this.set;
    if (workers === 0) return new LocalAssembler(set as StreamedImageSet);
    const source: FeedSource = "pixels" in set
      ? { kind: "memory", size: set.size, count: set.count, pixels: set.pixels }
      : { kind: "file", size: set.size, count: set.count, path: set.pixelFile, handles: READ_HANDLES };
    if (source.kind === "memory" && !(source.pixels.buffer instanceof SharedArrayBuffer)) {
      throw new Error("batch workers need the pixels in a SharedArrayBuffer (as loadImages makes them)");
    }
    return new WorkerAssembler(source, workers);
  }
}
