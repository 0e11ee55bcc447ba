/**
 * A run's images: its dataset (or another one) opened for its heads, and the splits asked for,
 * preprocessed as the run records (decoded once, then cached). Training, evaluation and the t-SNE
 * figure all load their images here. Splits that fit the data memory budget (`--data-memory`,
 * default 2 GiB) are held in memory; larger ones are streamed from the cache file, with the same results.
 *
 * @module
 */
import {
  DataMemory,
  formatBytes,
  type HeadRequest,
  type ImageSource,
  type LoadProgress,
  openDataset,
  openImages,
  type Preprocess,
  skippedSummary,
  type Split,
} from "../data/mod.ts";
import type { HeadConfig, TrainConfig } from "./config.ts";

/** What the data layer is asked for: each head's attribute and classes from the graph. */
export function headRequests(heads: readonly HeadConfig[]): HeadRequest[] {
  return heads.map((h) => ({
    head: h.name,
    ...(h.attribute ? { attribute: h.attribute } : {}),
    classes: h.classes,
  }));
}

/**
 * Decoding progress of one split (see the data layer's `LoadProgress`); `info` carries the decoding
 * rate (images/s), the seconds left and the images a resumed build found done.
 */
export type SplitProgress = (
  split: Split,
  done: number,
  total: number,
  cached: boolean,
  info?: Pick<LoadProgress, "rate" | "etaSeconds" | "resumed">,
) => void;

/** Options of {@link loadRunSplits}. */
export interface RunSplitOptions {
  /** Dataset to read instead of the run's own (the same heads must be in it). */
  data?: string;
  /** Decoded-image cache (default `.cache/data`). */
  cacheDir?: string;
  /** Lines worth printing: dataset notes, skipped rows, images decoded. */
  log?: (line: string) => void;
  onProgress?: SplitProgress;
  /** Data memory budget in bytes, or one shared with other loads (default 2 GiB). */
  dataMemory?: number | DataMemory;
}

/** The data layer's preprocessing of a run's recorded one. */
export function runPreprocess(config: Pick<TrainConfig, "preprocessing">): Preprocess {
  const p = config.preprocessing;
  return { size: p.size, crop: p.crop, fit: p.fit };
}

/**
 * Opens the run's dataset (or `o.data`) once for the run's heads and loads each split in `splits`,
 * in order, at the run's preprocessing.
 */
export async function loadRunSplits<S extends Split>(
  config: Pick<TrainConfig, "data" | "heads" | "skipBad" | "preprocessing">,
  splits: readonly S[],
  o: RunSplitOptions = {},
): Promise<Record<S, ImageSource>> {
  const log = o.log ?? (() => {});
  const cacheDir = o.cacheDir ?? ".cache/data";
  const ds = await openDataset(o.data ?? config.data, headRequests(config.heads), {
    skipBad: config.skipBad,
  });
  for (const n of ds.notes) log(n);
  if (ds.problems.length) log(skippedSummary(ds.problems, "bad rows/images"));
  const memory = o.dataMemory instanceof DataMemory ? o.dataMemory : new DataMemory(o.dataMemory);
  const out = {} as Record<S, ImageSource>;
  for (const split of splits) {
    let last: LoadProgress | undefined;
    const set = out[split] = await openImages(ds, split, runPreprocess(config), {
      cacheDir,
      memory,
      onProgress: (p) => {
        if (p.rate !== undefined) last = p;
        o.onProgress?.(split, p.done, p.total, p.cached, p);
      },
    });
    if (set.problems.length) log(skippedSummary(set.problems, `${split} images that did not decode`));
    if (set.decoded > 0) {
      const resumed = last?.resumed ? ` (finished a build interrupted after ${last.resumed})` : "";
      const rate = last?.rate ? ` at ${Math.round(last.rate)} images/s` : "";
      log(`decoded ${set.decoded} ${split} images${rate}${resumed}, cached in ${cacheDir} for next time`);
    }
    if ("pixelFile" in set) {
      const bytes = set.count * set.size * set.size * 3;
      log(
        `${split}: ${set.count} images (${formatBytes(bytes)}) exceed the data memory budget ` +
          `(${formatBytes(memory.limit)}): streamed from ${set.pixelFile}`,
      );
    }
  }
  return out;
}
