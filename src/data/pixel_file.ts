/**
 * Random access to the images of a cache pixel file: fixed-size rows (`size*size*3` bytes), row i at
 * byte `i*rowBytes`. A read of a batch's rows sorts them by position and merges neighbours into one
 * read, so a batch in file order (evaluation) is one read and a shuffled batch is one read per image
 * (150 KB at 224×224: large enough for an SSD or the page cache to serve at full speed).
 *
 * @module
 */
import { UserError } from "../util/errors.ts";

/** Where the bytes of each requested row are: row `rows[j]` is `bytes.subarray(offsets[j], … + rowBytes)`. */
export interface RowBytes {
  bytes: Uint8Array;
  offsets: Float64Array;
}

/** The rows of an in-memory set, without copying: offsets point into `pixels`. */
export function memoryRows(pixels: Uint8Array, rowBytes: number, rows: Int32Array): RowBytes {
  return { bytes: pixels, offsets: Float64Array.from(rows, (r) => r * rowBytes) };
}

/** Reads merge neighbouring rows up to this many bytes. */
const MAX_READ_BYTES = 16 * 1024 * 1024;

/** A contiguous range of rows, read into `staging` at `at`. */
interface Span {
  first: number;
  rows: number;
  at: number;
}

/** Plans the reads of `rows`: sorted, duplicates read once, neighbours merged. */
function planReads(rows: Int32Array, rowBytes: number, count: number): {
  spans: Span[];
  offsets: Float64Array;
  bytes: number;
} {
  const order = Array.from(rows.keys()).sort((a, b) => rows[a] - rows[b]);
  const offsets = new Float64Array(rows.length);
  const spans: Span[] = [];
  const perRead = Math.max(1, Math.floor(MAX_READ_BYTES / rowBytes));
  let at = 0;
  let last: Span | undefined;
  let lastRow = -2;
  for (let k = 0; k < order.length; k++) {
    const j = order[k];
    const r = rows[j];
    if (!(r >= 0 && r < count)) throw new RangeError(`row ${r} outside 0..${count - 1}`);
    if (r === lastRow) {
      offsets[j] = offsets[order[k - 1]];
      continue;
    }
    if (last && r === lastRow + 1 && last.rows < perRead) last.rows++;
    else spans.push(last = { first: r, rows: 1, at });
    offsets[j] = at;
    at += rowBytes;
    lastRow = r;
  }
  return { spans, offsets, bytes: at };
}

function readError(path: string, e: unknown): UserError {
  return new UserError(
    path,
    `cannot read the image cache: ${(e as Error).message}; delete the file to rebuild it`,
  );
}

/** An open pixel file: synchronous reads on one handle, parallel asynchronous reads on a small pool. */
export class PixelFile {
  #sync?: Deno.FsFile;
  #free: Deno.FsFile[] = [];
  #waiting: ((h: Deno.FsFile) => void)[] = [];
  #all: Deno.FsFile[] = [];

  private constructor(readonly path: string, readonly rowBytes: number, readonly count: number) {}

  /**
   * Opens `path` holding `count` rows of `rowBytes`; `handles` asynchronous reads may run at once (the
   * disk's queue depth). A file shorter than that is a UserError.
   */
  static open(path: string, rowBytes: number, count: number, handles = 4): PixelFile {
    const f = new PixelFile(path, rowBytes, count);
    try {
      const size = Deno.statSync(path).size;
      if (size < count * rowBytes) {
        throw new Error(`${size} bytes, expected ${count * rowBytes} (${count} images)`);
      }
      for (let i = 0; i < handles; i++) f.#all.push(Deno.openSync(path, { read: true }));
    } catch (e) {
      f.close();
      throw readError(path, e);
    }
    f.#free = [...f.#all];
    return f;
  }

  /** Reads `rows` (any order) now, on the calling thread. */
  readSync(rows: Int32Array): RowBytes {
    const plan = planReads(rows, this.rowBytes, this.count);
    const bytes = new Uint8Array(plan.bytes);
    try {
      const h = this.#sync ??= Deno.openSync(this.path, { read: true });
      for (const s of plan.spans) {
        h.seekSync(s.first * this.rowBytes, Deno.SeekMode.Start);
        const buf = bytes.subarray(s.at, s.at + s.rows * this.rowBytes);
        for (let got = 0; got < buf.length;) {
          const n = h.readSync(buf.subarray(got));
          if (n === null) throw new Error("unexpected end of file");
          got += n;
        }
      }
    } catch (e) {
      throw readError(this.path, e);
    }
    return { bytes, offsets: plan.offsets };
  }

  /**
   * Reads `rows` (any order) with up to `handles` reads in flight; other calls may overlap. The bytes
   * go into `into` when it is large enough (a buffer the caller reuses), else into a new buffer.
   */
  async read(rows: Int32Array, into?: Uint8Array): Promise<RowBytes> {
    const plan = planReads(rows, this.rowBytes, this.count);
    const bytes = into && into.length >= plan.bytes ? into : new Uint8Array(plan.bytes);
    await Promise.all(plan.spans.map(async (s) => {
      const h = await this.#acquire();
      try {
        await h.seek(s.first * this.rowBytes, Deno.SeekMode.Start);
        const buf = bytes.subarray(s.at, s.at + s.rows * this.rowBytes);
        for (let got = 0; got < buf.length;) {
          const n = await h.read(buf.subarray(got));
          if (n === null) throw new Error("unexpected end of file");
          got += n;
        }
      } catch (e) {
        throw readError(this.path, e);
      } finally {
        this.#release(h);
      }
    }));
    return { bytes, offsets: plan.offsets };
  }

  /** Closes every handle. */
  close(): void {
    for (const h of [...this.#all, ...(this.#sync ? [this.#sync] : [])]) {
      try {
        h.close();
      } catch {
        // already closed
      }
    }
    this.#all = [];
    this.#free = [];
    this.#sync = undefined;
  }

  #acquire(): Promise<Deno.FsFile> {
    const h = this.#free.pop();
    if (h) return Promise.resolve(h);
    if (this.#all.length === 0) return Promise.reject(new Error("file closed"));
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(h: Deno.FsFile): void {
    const next = this.#waiting.shift();
    if (next) next(h);
    else this.#free.push(h);
  }
}

/** Reads a whole pixel file into memory shared with batch workers (a SharedArrayBuffer). */
export async function readPixelsShared(path: string, bytes: number): Promise<Uint8Array> {
  const pixels = new Uint8Array(new SharedArrayBuffer(bytes));
  const file = await Deno.open(path, { read: true });
  try {
    for (let at = 0; at < bytes;) {
      const n = await file.read(pixels.subarray(at, Math.min(bytes, at + (64 << 20))));
      if (n === null) throw new UserError(path, "the image cache is shorter than its header says; delete it");
      at += n;
    }
  } finally {
    file.close();
  }
  return pixels;
}
