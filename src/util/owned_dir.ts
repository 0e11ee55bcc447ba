/**
 * Output folders this project made, marked so: a command writes into a folder only when it made it
 * (the folder carries the marker file), the folder is new or empty, or the user says `--force`. A
 * folder of someone else's files is never written into by surprise.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { writeFileAtomic } from "./atomic.ts";
import { UserError } from "./errors.ts";
import { statIfExists } from "./fs.ts";

/** The marker file in a folder this project made. */
export const OWNER_MARKER = ".mtl-graph";

/** Options of {@link claimOutputDir} and {@link claimOutputFiles}. */
export interface ClaimOptions {
  /** The command that writes (recorded in the marker): `compile`, `experiment`, … */
  command: string;
  /** Write even into a folder this project did not make (`--force`). */
  force?: boolean;
  /** The flag that named the folder, for the message (default `--out`). */
  flag?: string;
}

/** True when `dir` carries this project's marker. */
export async function isOwnedDir(dir: string): Promise<boolean> {
  return (await statIfExists(join(dir, OWNER_MARKER)))?.isFile ?? false;
}

async function isEmptyDir(dir: string): Promise<boolean> {
  for await (const _ of Deno.readDir(dir)) return false;
  return true;
}

/** Writes the marker into `dir` (made if missing). */
export async function markOwned(dir: string, command: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const text = JSON.stringify({ madeBy: "mtl-graph", command, at: new Date().toISOString() }) + "\n";
  await writeFileAtomic(join(dir, OWNER_MARKER), text);
}

/**
 * Makes sure `dir` may be written by this project: a new folder is made and marked; an empty one or
 * (with `force`) any folder is marked; a marked one is used as it is. Anything else — a folder of
 * files this project did not write, or a file in its place — is a UserError saying how to go on.
 * Marking also proves the folder writable before any long work starts.
 */
export async function claimOutputDir(dir: string, o: ClaimOptions): Promise<void> {
  const info = await statIfExists(dir);
  const flag = o.flag ?? "--out";
  if (info && !info.isDirectory) throw new UserError(`${flag} ${dir}`, "exists and is not a folder");
  if (info && !(await isOwnedDir(dir)) && !(await isEmptyDir(dir)) && !o.force) {
    throw new UserError(
      `${flag} ${dir}`,
      `the folder holds files this project did not write (no ${OWNER_MARKER} marker); ` +
        `choose another folder, or add --force to write into it`,
    );
  }
  if (!info || !(await isOwnedDir(dir))) await markOwned(dir, o.command);
}

/**
 * Makes sure the files `paths` may be written: each that exists already must be in a folder this
 * project marked (or `force`). A missing folder is made and marked.
 */
export async function claimOutputFiles(paths: readonly string[], o: ClaimOptions): Promise<void> {
  const flag = o.flag ?? "--out";
  for (const path of paths) {
    const dir = dirname(path);
    const info = await statIfExists(path);
    if (info?.isDirectory) {
      throw new UserError(`${flag} ${path}`, "is a folder; name a file path without extension");
    }
    if (!(await statIfExists(dir))) {
      await markOwned(dir, o.command);
      continue;
    }
    if (info && !o.force && !(await isOwnedDir(dir))) {
      throw new UserError(
        `${flag} ${path}`,
        `exists and was not written by this project (no ${OWNER_MARKER} marker in its folder); ` +
          `choose another path, or add --force to replace it`,
      );
    }
  }
}
