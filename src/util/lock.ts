/**
 * An exclusive lock on a file, held by the operating system (flock): it is released when the holder
 * closes it or dies, even by SIGKILL, so a lock left by a killed process is never stale — the next
 * process simply gets it, and sees from the file's text who held it before. The file is never
 * removed (removing a lock file races with a process that has just opened it); an empty file is free.
 *
 * @module
 */

/** Who holds (or last held) a lock, as its file records it. */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  /** The command line of the holder. */
  command: string;
}

/** A lock this process holds. */
export interface HeldLock {
  readonly path: string;
  /** The holder recorded when this process took the lock: a process that died holding it. */
  readonly tookOverFrom?: LockHolder;
  /** Releases the lock (empties the file first); calling it again does nothing. */
  release(): void;
}

/** What {@link tryLock} found. */
export type LockAttempt = { held: HeldLock } | { busy: LockHolder | undefined };

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "?";
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const h = JSON.parse(text);
    if (h && typeof h === "object" && Number.isInteger(h.pid)) {
      return {
        pid: h.pid,
        host: String(h.host ?? "?"),
        since: String(h.since ?? "?"),
        command: String(h.command ?? ""),
      };
    }
  } catch {
    // a torn or foreign file: the holder is unknown
  }
  return undefined;
}

async function readAll(file: Deno.FsFile): Promise<string> {
  await file.seek(0, Deno.SeekMode.Start);
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(4096);
  let total = 0;
  while (total < 65536) {
    const n = await file.read(buf);
    if (n === null) break;
    chunks.push(buf.slice(0, n));
    total += n;
  }
  const all = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  return new TextDecoder().decode(all);
}

/**
 * Takes the lock on `path` (created if missing) without waiting, recording this process as its
 * holder with `command`. When another process holds it, returns who (as its file says).
 */
export async function tryLock(path: string, command: string): Promise<LockAttempt> {
  const file = await Deno.open(path, { read: true, write: true, create: true });
  let locked = false;
  try {
    locked = await file.tryLock(true);
    const before = parseHolder(await readAll(file));
    if (!locked) {
      file.close();
      return { busy: before };
    }
    const me: LockHolder = { pid: Deno.pid, host: hostname(), since: new Date().toISOString(), command };
    await file.truncate(0);
    await file.seek(0, Deno.SeekMode.Start);
    await file.write(new TextEncoder().encode(JSON.stringify(me) + "\n"));
    let released = false;
    const held: HeldLock = {
      path,
      ...(before ? { tookOverFrom: before } : {}),
      release() {
        if (released) return;
        released = true;
        try {
          file.truncateSync(0);
          file.unlockSync();
        } finally {
          file.close();
        }
      },
    };
    return { held };
  } catch (e) {
    if (locked) file.unlockSync();
    try {
      file.close();
    } catch {
      // already closed
    }
    throw e;
  }
}

/** One line describing a holder: `pid 123 on host since 2026-…: train --resume …`. */
export function describeHolder(h: LockHolder | undefined): string {
  if (!h) return "a process that left no record";
  return `pid ${h.pid} on ${h.host} since ${h.since}${h.command ? ` (${h.command})` : ""}`;
}
