import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic.ts";
import { runPool } from "./pool.ts";
import { hashString } from "../util/rng.ts";
import type { Example, Preprocess, Problem, Split } from "./types.ts";

/** Bumped whenever decoding changes so that old cache entries stop matching. */
export const CACHE_VERSION = 1;

/**
 * The JSON header of a cache entry, `<cacheDir>/<dataset>-<roothash>/<split>-<size>-<crop>-<fit>.json`,
 * next to its pixel file `…-<key16>.u8` (count*size*size*3 bytes, RGB, HWC, in `ids` order). While an
 * entry is being built its pixels are in `…-<key16>.u8.part` and its progress in `…-<key16>.build.jsonl`.
 */
export interface CacheHeader {
  version: number;
  /** SHA-256 over the preprocessing and every source (id, path, box, byte size, mtime). */
  key: string;
  dataset: string;
  root: string;
  split: Split;
  size: number;
  crop: Preprocess["crop"];
  fit: NonNullable<Preprocess["fit"]>;
  count: number;
  /** Pixel file name, in the header's folder. */
  data: string;
  ids: string[];
  /** Images skipped as undecodable (skipBad) when the entry was made. */
  problems: Problem[];
  created: string;
}

/** Where the cache entry for (dataset, split, preprocessing) lives. */
export function cachePaths(
  cacheDir: string,
  dataset: { name: string; root: string },
  split: Split,
  pre: Preprocess,
): { dir: string; header: string; stem: string } {
  const dir = join(
    cacheDir,
    `${dataset.name.replace(/[^A-Za-z0-9_.-]/g, "_")}-${
      hashString(dataset.root).toString(16).padStart(8, "0")
    }`,
  );
  const stem = `${split}-${pre.size}-${pre.crop}-${pre.fit ?? "fill"}`;
  return { dir, header: join(dir, `${stem}.json`), stem };
}

/**
 * The cache key of a split: preprocessing settings plus, per example, id, path, box, and the file's
 * size and mtime (one stat per file; no file is read).
 */
export async function cacheKey(examples: readonly Example[], pre: Preprocess): Promise<string> {
  const stats = new Array<string>(examples.length);
  await runPool(examples.length, 16, async (i) => {
    const st = await Deno.stat(examples[i].file).catch(() => undefined);
    stats[i] = st ? `${st.size}\t${st.mtime?.getTime() ?? 0}` : "missing";
  });
  const parts = [`v${CACHE_VERSION}\t${pre.size}\t${pre.crop}\t${pre.fit ?? "fill"}`];
  for (let i = 0; i < examples.length; i++) {
    const e = examples[i];
    const box = pre.crop === "box" && e.box ? e.box.join(",") : "";
    parts.push(`${e.id}\t${e.file}\t${box}\t${stats[i]}`);
  }
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(parts.join("\n")));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A finished cache entry: its header and the path of its pixel file. */
export interface CacheEntry {
  header: CacheHeader;
  pixelFile: string;
}

/**
 * The cache entry at `headerPath` if its header matches `key` and its pixel file has the right size;
 * else undefined. Reads the header only: the pixels stay on disk until asked for.
 */
export async function findCache(
  headerPath: string,
  key: string,
  bytesPerImage: number,
): Promise<CacheEntry | undefined> {
  let header: CacheHeader;
  try {
    header = JSON.parse(await Deno.readTextFile(headerPath));
  } catch {
    return undefined;
  }
  if (header.version !== CACHE_VERSION || header.key !== key || !Array.isArray(header.ids)) return undefined;
  const pixelFile = join(headerPath, "..", header.data);
  try {
    const size = (await Deno.stat(pixelFile)).size;
    return size === header.count * bytesPerImage && header.ids.length === header.count
      ? { header, pixelFile }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Completes a cache entry whose pixel file `data` (in the header's folder) is already in place: writes
 * the header atomically, then removes the files of the same stem that it replaces (older pixel files,
 * other keys' half-built ones).
 */
export async function writeCacheHeader(
  paths: { dir: string; header: string; stem: string },
  header: Omit<CacheHeader, "version" | "created">,
): Promise<CacheHeader> {
  const full: CacheHeader = { version: CACHE_VERSION, ...header, created: new Date().toISOString() };
  await writeFileAtomic(paths.header, JSON.stringify(full));
  const mine = header.data.replace(/\.u8$/, "");
  for await (const e of Deno.readDir(paths.dir)) {
    if (!e.name.startsWith(`${paths.stem}-`) || e.name.startsWith(`${mine}.`)) continue;
    if (/\.(u8|u8\.part|u8\.tmp-\d+|build\.jsonl)$/.test(e.name)) {
      await Deno.remove(join(paths.dir, e.name)).catch(() => {});
    }
  }
  return full;
}
