/**
 * A run directory is locked while a process trains it (`.lock`, an OS file lock: see
 * src/util/lock.ts). A second process that would train the same run — a second `--resume`, say —
 * is refused with one line naming the holder; a lock left by a killed process is taken over, and
 * the caller is told whose it was.
 *
 * @module
 */
import { join } from "node:path";
import { UserError } from "../util/errors.ts";
import { describeHolder, type HeldLock, tryLock } from "../util/lock.ts";
import { LOCK_FILE } from "./files.ts";

/** The lock of a run this process trains. */
export type RunLock = HeldLock;

/**
 * Locks `runDir` for training by this process (`command` is recorded for whoever finds it locked).
 * Throws a UserError when another process holds it.
 */
export async function lockRun(runDir: string, command: string): Promise<RunLock> {
  const attempt = await tryLock(join(runDir, LOCK_FILE), command);
  if ("busy" in attempt) {
    throw new UserError(
      runDir,
      `another process is training this run (${describeHolder(attempt.busy)}); ` +
        "wait for it to finish or stop it, then --resume",
    );
  }
  return attempt.held;
}

/** The note to print when a lock was taken over from a process that died holding it. */
export function takeOverNote(lock: RunLock): string | undefined {
  const h = lock.tookOverFrom;
  return h
    ? `note: ${lock.path} was left by ${describeHolder(h)}, which is no longer running; taken over`
    : undefined;
}
