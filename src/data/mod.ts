/**
 * Data layer: datasets (CelebA layout, bounding-box CSV), preprocessed pixels in an on-disk cache
 * (built in parallel, resumable), held in memory up to a budget and streamed from the cache file
 * beyond it, and deterministic resumable batches with augmentation, prepared ahead on batch workers.
 * tfjs-free.
 *
 * @example
 * ```ts
 * const ds = await openDataset("data/synth", [{ head: "smile" }, { head: "gender" }]);
 * const memory = new DataMemory(2 * 1024 ** 3);
 * const train = await openImages(ds, "train", { size: 64, crop: "box" }, { cacheDir: ".cache/data", memory });
 * const feed = new BatchFeed(train);
 * try {
 *   for await (const b of feed.epoch({ batchSize: 32, shuffle: true, seed: 1, epoch: 0 })) {
 *     // b.x: Float32Array B*64*64*3 in [0,1]; b.labels.smile: Int32Array B
 *   }
 * } finally {
 *   feed.close();
 * }
 * ```
 * @module
 */
export type {
  Augment,
  Batch,
  BatchOptions,
  DatasetIndex,
  Example,
  HeadBinding,
  HeadRequest,
  ImageSet,
  ImageSource,
  LoadOptions,
  LoadProgress,
  OpenOptions,
  Preprocess,
  Problem,
  Split,
  SplitImages,
  StreamedImageSet,
} from "./types.ts";
export { SPLITS } from "./types.ts";
export { openDataset } from "./open.ts";
export { loadImages, openImages } from "./images.ts";
export { batchCount, batches, epochOrder, rowBytesSync, toUnitFloats } from "./batches.ts";
export { BatchFeed, type FeedOptions } from "./feed.ts";
export { DataMemory, DEFAULT_DATA_MEMORY, formatBytes, parseByteSize } from "./memory.ts";
export { prefetch } from "./prefetch.ts";
export { DEFAULT_ATTRIBUTES } from "./heads.ts";
export { splitCounts } from "./validate.ts";
export { skippedSummary } from "./problems.ts";
export { ensureSynth, generateSynth, type SynthOptions, type SynthSummary } from "./synth/generate.ts";
