/**
 * The data row of the benchmark: how fast the batch feed turns cached pixels into training batches
 * (uint8 HWC → augmented float NHWC, the step's input), in images/s at a given size, and the memory
 * it used. The pixels are a synthetic cache file (random bytes; decoding is not part of this path),
 * streamed from the file as a split larger than the data memory budget is, or held in memory.
 *
 * Run alone: `deno task bench:data [--size 224] [--images 2048] [--seconds 5]`.
 *
 * @module
 */
import { join } from "node:path";
// Not data/mod.ts: that loads sharp (FFI), which the bench does not need or have permission for.
import { BatchFeed } from "../src/data/feed.ts";
import { formatBytes } from "../src/data/memory.ts";
import { readPixelsShared } from "../src/data/pixel_file.ts";
import type { ImageSource } from "../src/data/types.ts";

/** What to measure. */
export interface DataPipelineOptions {
  /** Image side. */
  size: number;
  /** Images in the synthetic split (default 2048). */
  images?: number;
  /** Default 64, the paper's. */
  batchSize?: number;
  /** Batch workers (default "auto", as training uses). */
  workers?: number | "auto";
  /** Stream the split from its file (default, the at-scale path) or hold it in memory. */
  mode?: "streamed" | "memory";
  /** How long to run the feed (default 5 s, after a first batch that starts the workers). */
  seconds?: number;
  /** Where the synthetic cache file goes (default: a temp folder, removed afterwards). */
  dir?: string;
}

/** One measurement. */
export interface DataPipelineResult {
  size: number;
  batchSize: number;
  mode: "streamed" | "memory";
  workers: number;
  /** Images delivered in the timed part. */
  images: number;
  seconds: number;
  imagesPerSecond: number;
  /** Pixel bytes of the split. */
  setBytes: number;
  /** Resident memory of the process before the set was opened, and its peak while feeding. */
  rssBeforeBytes: number;
  peakRssBytes: number;
}

/** Writes `images` synthetic `size×size×3` images (pseudo-random bytes) to `path`, 8 MiB at a time. */
async function writeSyntheticPixels(path: string, images: number, size: number): Promise<void> {
  const total = images * size * size * 3;
  const block = new Uint8Array(8 << 20);
  let s = 0x2545f491;
  for (let i = 0; i < block.length; i++) block[i] = (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24;
  const f = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    for (let at = 0; at < total;) {
      const n = await f.write(block.subarray(0, Math.min(block.length, total - at)));
      at += n;
    }
  } finally {
    f.close();
  }
}

/**
 * Runs `set` through a batch feed (shuffled, flips and 10% shifts, as training does) for `seconds`
 * after a first batch, and samples the process's resident memory after every batch.
 */
export async function measureFeed(
  set: ImageSource,
  o: { batchSize?: number; workers?: number | "auto"; seconds?: number; rssBefore?: number },
): Promise<Omit<DataPipelineResult, "mode" | "setBytes">> {
  const batchSize = o.batchSize ?? 64;
  const seconds = o.seconds ?? 5;
  const rssBeforeBytes = o.rssBefore ?? Deno.memoryUsage().rss;
  let peakRssBytes = Deno.memoryUsage().rss;
  const feed = new BatchFeed(set, { workers: o.workers });
  let images = 0;
  let t0 = 0;
  let elapsed = 0;
  try {
    const augment = { flip: true, shift: Math.round(set.size / 10) };
    for (let epoch = 1; elapsed < seconds; epoch++) {
      for await (const b of feed.epoch({ batchSize, shuffle: true, seed: 1, epoch, augment })) {
        peakRssBytes = Math.max(peakRssBytes, Deno.memoryUsage().rss);
        if (t0 === 0) {
          t0 = performance.now(); // the first batch started the workers: not timed
          continue;
        }
        images += b.count;
        feed.recycle(b); // as the training loop does after each step
        elapsed = (performance.now() - t0) / 1000;
        if (elapsed >= seconds) break;
      }
    }
  } finally {
    feed.close();
  }
  return {
    size: set.size,
    batchSize,
    workers: feed.workersFor(batchSize),
    images,
    seconds: elapsed,
    imagesPerSecond: images / Math.max(elapsed, 1e-9),
    rssBeforeBytes,
    peakRssBytes,
  };
}

/** Measures cache → batch throughput at `o.size` on a synthetic cache file, and the memory used. */
export async function measureDataPipeline(o: DataPipelineOptions): Promise<DataPipelineResult> {
  const images = o.images ?? 2048;
  const mode = o.mode ?? "streamed";
  const dir = o.dir ?? await Deno.makeTempDir({ prefix: "bench-data-" });
  try {
    const pixelFile = join(dir, `synthetic-${o.size}.u8`);
    await writeSyntheticPixels(pixelFile, images, o.size);
    const rssBefore = Deno.memoryUsage().rss;
    const meta = {
      size: o.size,
      count: images,
      labels: { a: new Int32Array(images), b: new Int32Array(images) },
      ids: Array.from({ length: images }, (_, i) => String(i)),
      problems: [],
      decoded: 0,
      fromCache: true,
    };
    const set: ImageSource = mode === "streamed"
      ? { ...meta, pixelFile, readAhead: 256 << 20 }
      : { ...meta, pixels: await readPixelsShared(pixelFile, images * o.size * o.size * 3) };
    const r = await measureFeed(set, { ...o, rssBefore });
    return { ...r, mode, setBytes: images * o.size * o.size * 3 };
  } finally {
    if (!o.dir) await Deno.remove(dir, { recursive: true });
  }
}

/** One line of the data row. */
export function dataPipelineLine(r: DataPipelineResult): string {
  return [
    `data ${r.size}×${r.size} ${r.mode}`.padEnd(22),
    `batch ${r.batchSize}`,
    `${r.workers} worker${r.workers === 1 ? "" : "s"}`,
    `${r.imagesPerSecond.toFixed(0).padStart(6)} images/s`,
    `set ${formatBytes(r.setBytes)}`,
    `RSS ${formatBytes(r.rssBeforeBytes)} → peak ${formatBytes(r.peakRssBytes)}`,
  ].join(" | ");
}

if (import.meta.main) {
  const { parseArgs } = await import("node:util");
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      size: { type: "string", multiple: true },
      images: { type: "string", default: "2048" },
      seconds: { type: "string", default: "5" },
      workers: { type: "string", default: "auto" },
    },
  });
  const count = (flag: string, text: string, min: number) => {
    const n = Number(text);
    if (Number.isInteger(n) && n >= min) return n;
    console.error(`error: --${flag}: expected a whole number ≥ ${min}, got "${text}"`);
    Deno.exit(1);
  };
  const sizes = (values.size ?? ["64", "224"]).map((s) => count("size", s, 1));
  const workers = values.workers === "auto" ? "auto" : count("workers", values.workers, 0);
  for (const size of sizes) {
    for (const mode of ["streamed", "memory"] as const) {
      const r = await measureDataPipeline({
        size,
        mode,
        workers,
        images: count("images", values.images, 1),
        seconds: count("seconds", values.seconds, 1),
      });
      console.log(dataPipelineLine(r));
    }
  }
}
