/**
 * The data memory budget (`--data-memory`): how many bytes of decoded pixels a process keeps resident.
 * Splits that fit are held in memory; the others are read from their cache file in chunks. A slice of
 * the budget is kept for the batch feed's read-ahead buffers.
 *
 * @module
 */
import { UserError } from "../util/errors.ts";

const GiB = 1024 ** 3;

/** The default budget: 2 GiB of pixels, whatever the dataset size. */
export const DEFAULT_DATA_MEMORY = 2 * GiB;

const UNITS: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: GiB,
  gb: 1000 ** 3,
  gib: GiB,
  t: 1024 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
};

/**
 * Parses a byte size: a number with an optional unit, `512MiB`, `2GiB`, `1.5G` (K/M/G/T alone are
 * binary, as in `free -h`), `4GB` (decimal), or plain bytes. Anything else is a UserError naming `where`.
 */
export function parseByteSize(text: string, where: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new UserError(where, `expected a size such as 512MiB or 2GiB, got "${text}"`);
  }
  const bytes = Math.floor(Number(m[1]) * unit);
  if (bytes < 1) throw new UserError(where, `must be at least 1 byte, got "${text}"`);
  return bytes;
}

/** `1.50 GiB`, `12.0 MiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes, i = 0;
  while (v >= 1024 && i < units.length - 1) v /= 1024, i++;
  return i === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[i]}`;
}

/**
 * A process's data memory budget. Resident splits take from it first come, first served, except for
 * an eighth kept for read-ahead (the batches the feed prepares ahead of the step); a split that does
 * not fit is streamed from its cache file instead.
 */
export class DataMemory {
  #resident = 0;

  constructor(readonly limit: number = DEFAULT_DATA_MEMORY) {
    if (!(limit >= 1)) throw new UserError("dataMemory", `must be at least 1 byte, got ${limit}`);
  }

  /** Bytes the batch feed may hold in flight (never given to resident splits). */
  get readAhead(): number {
    return Math.floor(this.limit / 8);
  }

  /** Bytes held by resident splits so far. */
  get resident(): number {
    return this.#resident;
  }

  /** Takes `bytes` for a resident split if they fit next to what is held and the read-ahead; else false. */
  hold(bytes: number): boolean {
    if (this.#resident + bytes > this.limit - this.readAhead) return false;
    this.#resident += bytes;
    return true;
  }
}
