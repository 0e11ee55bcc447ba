/**
 * Building a cache entry: images decoded several at once (sharp adds its own threads per image),
 * written in chunks straight to the pixel file (memory stays at a few chunks whatever the split's
 * size), each finished chunk recorded in a journal. A build that is interrupted (Ctrl-C, a kill, a
 * power cut) is finished where it stopped, not restarted: chunks the journal lists are checked
 * against their hash and kept. A lock on the journal keeps two processes from building one entry.
 *
 * @module
 */
import { join } from "node:path";
import { UserError } from "../util/errors.ts";
import { type CacheEntry, cachePaths, findCache, writeCacheHeader } from "./cache.ts";
import { decodeImage } from "./decode.ts";
import { runPool } from "./pool.ts";
import { throwIfProblems } from "./problems.ts";
import type { DatasetIndex, Example, LoadOptions, Preprocess, Problem, Split } from "./types.ts";

/** The journal's first line: what is being built. A journal for anything else is started over. */
interface JournalHead {
  key: string;
  count: number;
  rowBytes: number;
  chunk: number;
}

/** A finished chunk: its hash, and the images of it that could not be decoded (with skipBad). */
interface ChunkRecord {
  chunk: number;
  hash: number;
  bad: [index: number, where: string, detail: string][];
}

/** A sampled FNV-1a hash of a chunk's bytes: catches chunks a power cut left unwritten. */
function chunkHash(bytes: Uint8Array): number {
  let h = (0x811c9dc5 ^ bytes.length) >>> 0;
  for (let i = 0; i < bytes.length; i += 61) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/** Reads the chunks a journal lists as done; undefined when it is missing or for another build. */
async function readJournal(path: string, head: JournalHead): Promise<Map<number, ChunkRecord> | undefined> {
  const text = await Deno.readTextFile(path).catch(() => "");
  const lines = text.split("\n");
  try {
    const h = JSON.parse(lines[0]) as JournalHead;
    if (h.key !== head.key || h.count !== head.count || h.rowBytes !== head.rowBytes) return undefined;
    head.chunk = h.chunk;
  } catch {
    return undefined;
  }
  const done = new Map<number, ChunkRecord>();
  for (const line of lines.slice(1)) {
    try {
      const r = JSON.parse(line) as ChunkRecord;
      if (Number.isInteger(r.chunk)) done.set(r.chunk, r);
    } catch {
      // the last line of a killed build may be cut short
    }
  }
  return done;
}

async function writeAll(f: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await f.write(bytes.subarray(at));
}

async function readAll(f: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) {
    const n = await f.read(bytes.subarray(at));
    if (n === null) throw new Error("unexpected end of file");
    at += n;
  }
}

/** Default images per chunk: about 4 MiB of pixels, between 1 and 256 images. */
function defaultChunk(rowBytes: number): number {
  return Math.max(1, Math.min(256, Math.floor(4 * 1024 * 1024 / rowBytes)));
}

/** One build in progress: what is built, where, and the chunks done so far. */
interface Build {
  ds: DatasetIndex;
  split: Split;
  examples: readonly Example[];
  pre: Preprocess;
  key: string;
  paths: ReturnType<typeof cachePaths>;
  /** `<stem>-<key16>`: the pixel file, part file and journal are named after it. */
  base: string;
  head: JournalHead;
  /** The part file, open for reading and writing. */
  part: Deno.FsFile;
  done: Map<number, ChunkRecord>;
}

/** Rows in chunk `c`. */
const chunkRows = (b: Build, c: number) => Math.min(b.head.chunk, b.examples.length - c * b.head.chunk);

/**
 * Builds (or finishes) the cache entry of `examples`, the `split` of `ds` at `pre`, whose key is `key`.
 * Returns the entry and how many images this call decoded. Reports progress with images/s and ETA.
 */
export async function buildCache(
  ds: DatasetIndex,
  split: Split,
  examples: readonly Example[],
  pre: Preprocess,
  key: string,
  opts: LoadOptions,
): Promise<CacheEntry & { decoded: number }> {
  const paths = cachePaths(opts.cacheDir, ds, split, pre);
  const rowBytes = pre.size * pre.size * 3;
  const base = `${paths.stem}-${key.slice(0, 16)}`;
  const journalPath = join(paths.dir, `${base}.build.jsonl`);
  await Deno.mkdir(paths.dir, { recursive: true });
  const lock = await Deno.open(journalPath, { read: true, write: true, create: true });
  try {
    // Where the file system cannot lock (some network mounts), build unguarded, as before locks existed.
    await lock.lock(true).catch(() => {});
    // Another process may have finished the entry while this one waited for the lock.
    const built = opts.refresh ? undefined : await findCache(paths.header, key, rowBytes);
    if (built) {
      await Deno.remove(journalPath).catch(() => {});
      return { ...built, decoded: 0 };
    }

    const head: JournalHead = { key, count: examples.length, rowBytes, chunk: opts.chunkImages ?? 0 };
    let done = opts.refresh ? undefined : await readJournal(journalPath, head);
    const part = await Deno.open(join(paths.dir, `${base}.u8.part`), {
      read: true,
      write: true,
      create: true,
    });
    try {
      if (done && (await part.stat()).size !== examples.length * rowBytes) done = undefined;
      if (!done) {
        head.chunk = head.chunk > 0 ? head.chunk : defaultChunk(rowBytes);
        await Deno.writeTextFile(journalPath, JSON.stringify(head) + "\n");
        await part.truncate(0);
        await part.truncate(examples.length * rowBytes);
        done = new Map();
      }
      const b: Build = { ds, split, examples, pre, key, paths, base, head, part, done };
      // Keep only the chunks whose bytes made it to disk.
      for (const [c, r] of done) if (chunkHash(await readChunk(b, c)) !== r.hash) done.delete(c);
      const decoded = await decodeChunks(b, journalPath, opts);
      await part.syncData();
      return { ...await finish(b), decoded };
    } finally {
      part.close();
    }
  } finally {
    lock.close();
  }
}

/** The bytes of chunk `c` as the part file holds them. */
async function readChunk(b: Build, c: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(chunkRows(b, c) * b.head.rowBytes);
  await b.part.seek(c * b.head.chunk * b.head.rowBytes, Deno.SeekMode.Start);
  await readAll(b.part, bytes);
  return bytes;
}

/** Files decoded at once by default: twice the cores, at least 4 (decoding waits on I/O too). */
function defaultConcurrency(): number {
  return Math.max(4, 2 * (navigator.hardwareConcurrency ?? 2));
}

/** Decodes every chunk not done, writing each when whole and journaling it; returns the images decoded. */
async function decodeChunks(b: Build, journalPath: string, opts: LoadOptions): Promise<number> {
  const { examples, pre, head, part, done } = b;
  const rowBytes = head.rowBytes;
  const pending: number[] = [];
  for (let c = 0; c * head.chunk < examples.length; c++) {
    if (done.has(c)) continue;
    for (let i = c * head.chunk; i < c * head.chunk + chunkRows(b, c); i++) pending.push(i);
  }
  const total = examples.length;
  const resumed = total - pending.length;
  const open = new Map<number, { bytes: Uint8Array; left: number; bad: ChunkRecord["bad"] }>();
  const journal = await Deno.open(journalPath, { append: true });
  let writes: Promise<void> = Promise.resolve();
  let processed = 0, decoded = 0, lastReport = 0;
  const t0 = performance.now();
  const report = (force: boolean) => {
    const now = performance.now();
    if (!force && now - lastReport < 500) return;
    lastReport = now;
    const rate = now > t0 ? processed / ((now - t0) / 1000) : 0;
    opts.onProgress?.({
      done: resumed + processed,
      total,
      cached: false,
      resumed,
      rate,
      etaSeconds: rate > 0 ? (pending.length - processed) / rate : undefined,
    });
  };
  report(true);
  try {
    await runPool(pending.length, opts.concurrency ?? defaultConcurrency(), async (k) => {
      const i = pending[k];
      const c = Math.floor(i / head.chunk);
      let chunk = open.get(c);
      if (!chunk) {
        const rows = chunkRows(b, c);
        open.set(c, chunk = { bytes: new Uint8Array(rows * rowBytes), left: rows, bad: [] });
      }
      const e = examples[i];
      try {
        const px = await decodeImage(
          e.file,
          pre.crop === "box" ? e.box : undefined,
          pre.size,
          e.where,
          pre.fit,
        );
        chunk.bytes.set(px, (i - c * head.chunk) * rowBytes);
        decoded++;
      } catch (err) {
        if (!(err instanceof UserError) || !b.ds.skipBad) throw err;
        chunk.bad.push([i, err.where, err.detail]);
      }
      processed++;
      report(processed === pending.length);
      if (--chunk.left > 0) return;
      open.delete(c);
      const record: ChunkRecord = { chunk: c, hash: chunkHash(chunk.bytes), bad: chunk.bad };
      const bytes = chunk.bytes;
      // One write at a time (seek, then write); the task that finished a chunk waits for its write.
      await (writes = writes.then(async () => {
        await part.seek(c * head.chunk * rowBytes, Deno.SeekMode.Start);
        await writeAll(part, bytes);
        await writeAll(journal, new TextEncoder().encode(JSON.stringify(record) + "\n"));
        done.set(c, record);
      }));
    });
  } finally {
    await writes.catch(() => {});
    journal.close();
  }
  return decoded;
}

/**
 * Turns a fully written part file into the entry: the images that could not be decoded left out
 * (copied chunk by chunk when there are any), renamed into place, then the header; the journal goes.
 */
async function finish(b: Build): Promise<CacheEntry> {
  const { ds, examples, head, paths } = b;
  const rowBytes = head.rowBytes;
  const bad = new Set<number>();
  const problems: Problem[] = [];
  for (const r of b.done.values()) {
    for (const [i, where, detail] of r.bad) {
      bad.add(i), problems.push({ where, detail, image: examples[i].id });
    }
  }
  problems.sort((x, y) => x.where.localeCompare(y.where, undefined, { numeric: true }));
  throwIfProblems(problems, ds.skipBad);
  const rows = examples.filter((_, i) => !bad.has(i));
  if (rows.length === 0) {
    throw new UserError(ds.root, `no image of the ${b.split} split of '${ds.name}' could be decoded`);
  }
  const data = `${b.base}.u8`;
  const pixelFile = join(paths.dir, data);
  const partPath = join(paths.dir, `${b.base}.u8.part`);
  if (bad.size === 0) {
    await Deno.rename(partPath, pixelFile);
  } else {
    const tmp = `${pixelFile}.tmp-${Deno.pid}`;
    const out = await Deno.open(tmp, { write: true, create: true, truncate: true });
    try {
      for (let c = 0; c * head.chunk < examples.length; c++) {
        const bytes = await readChunk(b, c);
        for (let j = 0; j < chunkRows(b, c); j++) {
          if (!bad.has(c * head.chunk + j)) {
            await writeAll(out, bytes.subarray(j * rowBytes, (j + 1) * rowBytes));
          }
        }
      }
      await out.syncData();
    } finally {
      out.close();
    }
    await Deno.rename(tmp, pixelFile);
    await Deno.remove(partPath);
  }
  const header = await writeCacheHeader(paths, {
    key: b.key,
    dataset: ds.name,
    root: ds.root,
    split: b.split,
    size: b.pre.size,
    crop: b.pre.crop,
    fit: b.pre.fit ?? "fill",
    count: rows.length,
    data,
    ids: rows.map((e) => e.id),
    problems,
  });
  await Deno.remove(join(paths.dir, `${b.base}.build.jsonl`)).catch(() => {});
  return { header, pixelFile };
}
