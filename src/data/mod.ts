/**
 * Data layer: datasets (CelebA layout, bounding-box CSV), preprocessed and cached pixels,
 * deterministic resumable batches with augmentation, and prefetching. tfjs-free.
 *
 * @example
 * ```ts
 * const ds = await openDataset("data/synth", [{ head: "smile" }, { head: "gender" }]);
 * const train = await loadImages(ds, "train", { size: 64, crop: "box" }, { cacheDir: ".cache/data" });
 * for await (const b of prefetch(batches(train, { batchSize: 32, shuffle: true, seed: 1, epoch: 0 }))) {
 *   // b.x: Float32Array B*64*64*3 in [0,1]; b.labels.smile: Int32Array B
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
  LoadOptions,
  LoadProgress,
  OpenOptions,
  Preprocess,
  Problem,
  Split,
} from "./types.ts";
export { SPLITS } from "./types.ts";
export { openDataset } from "./open.ts";
export { loadImages } from "./images.ts";
export { batchCount, batches, epochOrder, toUnitFloats } from "./batches.ts";
export { prefetch } from "./prefetch.ts";
export { DEFAULT_ATTRIBUTES } from "./heads.ts";
export { splitCounts } from "./validate.ts";
export { skippedSummary } from "./problems.ts";
export { ensureSynth, generateSynth, type SynthOptions, type SynthSummary } from "./synth/generate.ts";
