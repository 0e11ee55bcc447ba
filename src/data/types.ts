/**
 * Shared types of the data layer. Everything here is plain data and typed arrays (no tfjs),
 * so the trainer can turn a {@link Batch} into tensors however it likes.
 */

/** The three splits every dataset is divided into. */
export type Split = "train" | "val" | "test";

/** All splits, in their canonical order (train, val, test). */
export const SPLITS: readonly Split[] = ["train", "val", "test"];

/** One labelled image of a dataset. */
export interface Example {
  /** Stable identifier, unique in the dataset (CelebA: the image file name, e.g. `000001.jpg`). */
  id: string;
  /** Absolute path of the image file. */
  file: string;
  /** Face box in source pixels, `[x, y, width, height]`; absent when the whole image is the face. */
  box?: [number, number, number, number];
  /** Head name -> class index into that head's {@link HeadBinding.classes} (CelebA: -1 -> 0, +1 -> 1). */
  labels: Record<string, number>;
  /** Which split the example belongs to. */
  split: Split;
  /** Where the example was declared, `file:line` (for error messages about its image). */
  where: string;
}

/**
 * What the caller asks for: a head of the model graph. `attribute` and `classes` may be left out:
 * they then come from the dataset spec's `heads` section, else from {@link DEFAULT_ATTRIBUTES},
 * else the attribute is the head name itself.
 */
export interface HeadRequest {
  /** Head name in the model graph (`smile`, `gender`). */
  head: string;
  /** Attribute (CelebA) or label column (CSV) feeding this head. */
  attribute?: string;
  /** Class names, in class-index order. */
  classes?: string[];
}

/** A head resolved against a dataset: which attribute feeds it and its class names (index order). */
export interface HeadBinding {
  head: string;
  attribute: string;
  classes: string[];
}

/** A skipped or fatal data problem, located as `file:line` (or just `file`). */
export interface Problem {
  where: string;
  detail: string;
  /** The image concerned (its id, e.g. `000003.jpg`), when the problem is about one. */
  image?: string;
}

/** A parsed dataset: what is in it, not yet the pixels. */
export interface DatasetIndex {
  /** Short name (spec `name`, else the directory name); used in cache paths. */
  name: string;
  /** Directory the dataset lives in (the CelebA folder, or the directory of the YAML spec). */
  root: string;
  /** Usable examples, in file order. */
  examples: Example[];
  /** Bad rows / missing images that were skipped (only non-empty with `skipBad`). */
  problems: Problem[];
  /** The heads this index was opened for, resolved. */
  heads: HeadBinding[];
  /** Remarks worth printing once, e.g. "no list_eval_partition.txt: made a deterministic 80/10/10 split". */
  notes: string[];
  /** Whether problems found later (undecodable images) are skipped rather than fatal. */
  skipBad: boolean;
}

/** Options of {@link openDataset}. */
export interface OpenOptions {
  /** Skip bad rows and missing images (recorded in `problems`) instead of failing. */
  skipBad?: boolean;
}

/** How images are turned into tensors. */
export interface Preprocess {
  /** Output side: images become size×size×3 RGB. */
  size: number;
  /** `box`: crop to the example's box first when it has one; `none`: ignore boxes. */
  crop: "box" | "none";
  /** `fill` (default) stretches the (cropped) image to the square; `cover` keeps the aspect ratio, cropping the centre. */
  fit?: "fill" | "cover";
}

/** Progress of {@link loadImages}. */
export interface LoadProgress {
  done: number;
  total: number;
  /** True when the pixels came from the cache (then `done === total` at once). */
  cached: boolean;
  /** Images found already decoded in a half-built cache (a build resumed after an interruption). */
  resumed?: number;
  /** Images decoded per second so far in this build. */
  rate?: number;
  /** Seconds left at that rate. */
  etaSeconds?: number;
}

/** Options of {@link loadImages}. */
export interface LoadOptions {
  /** Directory holding the preprocessed-pixel cache (created if needed). */
  cacheDir: string;
  /** Called now and then while decoding. */
  onProgress?: (p: LoadProgress) => void;
  /** Number of image files decoded at once (default: twice the cores, at least 4); sharp adds its own threads. */
  concurrency?: number;
  /** Ignore (and overwrite) an existing cache entry, and a half-built one. */
  refresh?: boolean;
  /** Images per write of a cache build, the unit an interrupted build resumes at (default: ~4 MiB of pixels). */
  chunkImages?: number;
}

/** What every consumer of a split's images reads, whether the pixels are in memory or in a file. */
export interface SplitImages {
  /** Image side (pixels). */
  size: number;
  /** Number of images. */
  count: number;
  /** Head name -> class index per image. */
  labels: Record<string, Int32Array>;
  /** Example ids, in pixel order. */
  ids: string[];
  /** Images that could not be decoded and were skipped (with `skipBad`). */
  problems: Problem[];
  /** How many images were decoded to build this set (0 when it came from the cache). */
  decoded: number;
  /** Whether the pixels came from the on-disk cache. */
  fromCache: boolean;
}

/**
 * Decoded, preprocessed images of one split held in memory, with their labels. Loaded by
 * `loadImages`, the pixels live in a SharedArrayBuffer, so batch workers read them without a copy.
 */
export interface ImageSet extends SplitImages {
  /** `count*size*size*3` bytes, RGB, row-major (HWC) per image. */
  pixels: Uint8Array;
}

/**
 * A split whose pixels stay in their cache file (larger than the data memory budget): any image is
 * read by index, `size*size*3` bytes at offset `index*size*size*3`.
 */
export interface StreamedImageSet extends SplitImages {
  /** The cache's pixel file. */
  pixelFile: string;
  /** Bytes the batch feed may hold in flight for this set (its share of the budget). */
  readAhead: number;
}

/** A split's images, in memory or streamed from the cache file; batches are the same either way. */
export type ImageSource = ImageSet | StreamedImageSet;

/** Data augmentation applied per example in {@link batches}. */
export interface Augment {
  /** Mirror left-right with probability 1/2. */
  flip: boolean;
  /** Translate by up to ±shift pixels in x and y (integers, edges replicated). */
  shift: number;
}

/** Options of {@link batches}. */
export interface BatchOptions {
  batchSize: number;
  /** Shuffle each epoch (a permutation that depends only on seed and epoch). */
  shuffle: boolean;
  seed: number;
  epoch: number;
  augment?: Augment;
  /** First batch index to produce (resume); earlier batches are skipped without work. */
  startBatch?: number;
  /** Drop the last, smaller batch (default false: it is produced). */
  dropRemainder?: boolean;
}

/** One batch. Its content is a pure function of (set, seed, epoch, index, batchSize, augment). */
export interface Batch {
  /** Batch index within the epoch. */
  index: number;
  epoch: number;
  /** Number of examples B in this batch (the last batch may be smaller). */
  count: number;
  /** Image side. */
  size: number;
  /** `B*size*size*3` floats in [0, 1], NHWC. */
  x: Float32Array;
  /** Head name -> B class indices. */
  labels: Record<string, Int32Array>;
  /** Positions of the examples in the split (for ids, debugging). */
  rows: Int32Array;
}
