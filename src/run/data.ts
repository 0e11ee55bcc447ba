/**
 * A run's images: its dataset (or another one) opened for its heads, and the splits asked for,
 * preprocessed as the run records (decoded once, then cached). Training, evaluation and the t-SNE
 * figure all load their images here.
 *
 * @module
 */
import {
  type HeadRequest,
  type ImageSet,
  loadImages,
  openDataset,
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

/** Decoding progress of one split (see the data layer's `LoadProgress`). */
export type SplitProgress = (split: Split, done: number, total: number, cached: boolean) => void;

/** Options of {@link loadRunSplits}. */
export interface RunSplitOptions {
  /** Dataset to read instead of the run's own (the same heads must be in it). */
  data?: string;
  /** Decoded-image cache (default `.cache/data`). */
  cacheDir?: string;
  /** Lines worth printing: dataset notes, skipped rows, images decoded. */
  log?: (line: string) => void;
  onProgress?: SplitProgress;
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
): Promise<Record<S, ImageSet>> {
  const log = o.log ?? (() => {});
  const cacheDir = o.cacheDir ?? ".cache/data";
  const ds = await openDataset(o.data ?? config.data, headRequests(config.heads), {
    skipBad: config.skipBad,
  });
  for (const n of ds.notes) log(n);
  if (ds.problems.length) log(skippedSummary(ds.problems, "bad rows/images"));
  const out = {} as Record<S, ImageSet>;
  for (const split of splits) {
    out[split] = await loadImages(ds, split, runPreprocess(config), {
      cacheDir,
      onProgress: (p) => o.onProgress?.(split, p.done, p.total, p.cached),
    });
    const skipped = out[split].problems;
    if (skipped.length) log(skippedSummary(skipped, `${split} images that did not decode`));
    const decoded = out[split].decoded;
    if (decoded > 0) log(`decoded ${decoded} ${split} images (cached in ${cacheDir} for next time)`);
  }
  return out;
}
