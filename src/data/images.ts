import { UserError } from "../util/errors.ts";
import { type CacheEntry, cacheKey, cachePaths, findCache } from "./cache.ts";
import { buildCache } from "./cache_build.ts";
import type { DataMemory } from "./memory.ts";
import { readPixelsShared } from "./pixel_file.ts";
import { throwIfProblems } from "./problems.ts";
import type {
  DatasetIndex,
  ImageSet,
  ImageSource,
  LoadOptions,
  Preprocess,
  Split,
  SplitImages,
  StreamedImageSet,
} from "./types.ts";

/** A split's cache entry, found or built, with what the split's consumers need besides the pixels. */
async function ensureCache(
  ds: DatasetIndex,
  split: Split,
  pre: Preprocess,
  opts: LoadOptions,
): Promise<{ entry: CacheEntry; images: SplitImages }> {
  if (!Number.isInteger(pre.size) || pre.size < 1) {
    throw new UserError("size", `must be a positive integer, got ${pre.size}`);
  }
  const examples = ds.examples.filter((e) => e.split === split);
  if (examples.length === 0) {
    throw new UserError(ds.root, `the ${split} split of dataset '${ds.name}' is empty`);
  }
  const rowBytes = pre.size * pre.size * 3;
  const key = await cacheKey(examples, pre);
  const paths = cachePaths(opts.cacheDir, ds, split, pre);
  const found = opts.refresh ? undefined : await findCache(paths.header, key, rowBytes);
  if (found) {
    opts.onProgress?.({ done: found.header.count, total: found.header.count, cached: true });
    throwIfProblems(found.header.problems, ds.skipBad);
  }
  const { decoded, ...entry } = found
    ? { ...found, decoded: 0 }
    : await buildCache(ds, split, examples, pre, key, opts);
  const byId = new Map(examples.map((e) => [e.id, e]));
  const rows = entry.header.ids.map((id) => byId.get(id)!);
  const labels: Record<string, Int32Array> = {};
  for (const h of ds.heads) labels[h.head] = Int32Array.from(rows, (e) => e.labels[h.head]);
  return {
    entry,
    images: {
      size: pre.size,
      count: rows.length,
      labels,
      ids: entry.header.ids,
      problems: entry.header.problems,
      decoded,
      fromCache: decoded === 0,
    },
  };
}

/**
 * Decodes, crops (to the box, with `crop: "box"`) and resizes the images of one split to
 * `size×size×3` uint8 and holds them in memory, using an on-disk cache keyed by the source files
 * (path, size, mtime) and the preprocessing: a second call decodes nothing (`decoded === 0`,
 * `fromCache`). An interrupted build is finished by the next call (see `buildCache`).
 *
 * An empty split is a UserError. An undecodable image is a UserError naming the label file line,
 * unless the dataset was opened with `skipBad` (then it is left out and listed in `problems`).
 */
export async function loadImages(
  ds: DatasetIndex,
  split: Split,
  pre: Preprocess,
  opts: LoadOptions,
): Promise<ImageSet> {
  const { entry, images } = await ensureCache(ds, split, pre, opts);
  const pixels = await readPixelsShared(entry.pixelFile, images.count * pre.size * pre.size * 3);
  return { ...images, pixels };
}

/**
 * Like {@link loadImages}, but a split whose pixels do not fit in what is left of `memory` stays in its
 * cache file and is read by index as batches need it (a {@link StreamedImageSet}). Batches, evaluation
 * and training results are the same either way.
 */
export async function openImages(
  ds: DatasetIndex,
  split: Split,
  pre: Preprocess,
  opts: LoadOptions & { memory: DataMemory },
): Promise<ImageSource> {
  const { entry, images } = await ensureCache(ds, split, pre, opts);
  const bytes = images.count * pre.size * pre.size * 3;
  if (opts.memory.hold(bytes)) return { ...images, pixels: await readPixelsShared(entry.pixelFile, bytes) };
  const streamed: StreamedImageSet = {
    ...images,
    pixelFile: entry.pixelFile,
    readAhead: opts.memory.readAhead,
  };
  return streamed;
}
