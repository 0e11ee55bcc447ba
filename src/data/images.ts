import { UserError } from "../util/errors.ts";
import { cacheKey, cachePaths, readCache, writeCache } from "./cache.ts";
import { decodeImage } from "./decode.ts";
import { runPool } from "./pool.ts";
import { throwIfProblems } from "./problems.ts";
import type { DatasetIndex, Example, ImageSet, LoadOptions, Preprocess, Problem, Split } from "./types.ts";

/**
 * Decodes, crops (to the box, with `crop: "box"`) and resizes the images of one split to
 * `size×size×3` uint8, using an on-disk cache keyed by the source files (path, size, mtime)
 * and the preprocessing: a second call decodes nothing (`decoded === 0`, `fromCache`).
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
  if (!Number.isInteger(pre.size) || pre.size < 1) {
    throw new UserError("size", `must be a positive integer, got ${pre.size}`);
  }
  const examples = ds.examples.filter((e) => e.split === split);
  if (examples.length === 0) {
    throw new UserError(ds.root, `the ${split} split of dataset '${ds.name}' is empty`);
  }
  const bytesPerImage = pre.size * pre.size * 3;
  const key = await cacheKey(examples, pre);
  const paths = cachePaths(opts.cacheDir, ds, split, pre);

  if (!opts.refresh) {
    const hit = await readCache(paths.header, key, bytesPerImage);
    if (hit) {
      opts.onProgress?.({ done: hit.header.count, total: hit.header.count, cached: true });
      const byId = new Map(examples.map((e) => [e.id, e]));
      const rows = hit.header.ids.map((id) => byId.get(id)!);
      throwIfProblems(hit.header.problems, ds.skipBad);
      return makeSet(ds, pre.size, rows, hit.pixels, hit.header.problems, 0, true);
    }
  }

  const all = new Uint8Array(examples.length * bytesPerImage);
  const ok = new Uint8Array(examples.length);
  const problems: Problem[] = [];
  let done = 0;
  const every = Math.max(1, Math.floor(examples.length / 100));
  opts.onProgress?.({ done: 0, total: examples.length, cached: false });
  await runPool(examples.length, opts.concurrency ?? 4, async (i) => {
    const e = examples[i];
    try {
      const px = await decodeImage(
        e.file,
        pre.crop === "box" ? e.box : undefined,
        pre.size,
        e.where,
        pre.fit,
      );
      all.set(px, i * bytesPerImage);
      ok[i] = 1;
    } catch (err) {
      if (!(err instanceof UserError) || !ds.skipBad) throw err;
      problems.push({ where: err.where, detail: err.detail, image: e.id });
    }
    done++;
    if (done % every === 0 || done === examples.length) {
      opts.onProgress?.({ done, total: examples.length, cached: false });
    }
  });

  const rows: Example[] = [];
  let pixels = all;
  if (problems.length > 0) {
    pixels = new Uint8Array((examples.length - problems.length) * bytesPerImage);
    for (let i = 0; i < examples.length; i++) {
      if (!ok[i]) continue;
      pixels.set(all.subarray(i * bytesPerImage, (i + 1) * bytesPerImage), rows.length * bytesPerImage);
      rows.push(examples[i]);
    }
    problems.sort((a, b) => a.where.localeCompare(b.where, undefined, { numeric: true }));
  } else rows.push(...examples);
  if (rows.length === 0) {
    throw new UserError(ds.root, `no image of the ${split} split of '${ds.name}' could be decoded`);
  }

  await writeCache(paths, {
    key,
    dataset: ds.name,
    root: ds.root,
    split,
    size: pre.size,
    crop: pre.crop,
    fit: pre.fit ?? "fill",
    count: rows.length,
    ids: rows.map((e) => e.id),
    problems,
  }, pixels);
  return makeSet(ds, pre.size, rows, pixels, problems, examples.length - problems.length, false);
}

function makeSet(
  ds: DatasetIndex,
  size: number,
  rows: readonly Example[],
  pixels: Uint8Array,
  problems: Problem[],
  decoded: number,
  fromCache: boolean,
): ImageSet {
  const labels: Record<string, Int32Array> = {};
  for (const h of ds.heads) labels[h.head] = Int32Array.from(rows, (e) => e.labels[h.head]);
  return {
    size,
    count: rows.length,
    pixels,
    labels,
    ids: rows.map((e) => e.id),
    problems,
    decoded,
    fromCache,
  };
}
