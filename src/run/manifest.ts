/**
 * The manifest of a folder a run writes whole (a checkpoint, `best/`): every file's size and SHA-256,
 * written last, so a folder whose manifest checks out is complete and undamaged. Reading a run checks
 * it before trusting the files; a truncated, torn or altered file is named in one line.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../util/atomic.ts";
import { osReason } from "../util/errors.ts";

/** The manifest's file name inside the folder it describes. */
export const MANIFEST_FILE = "manifest.json";

const Manifest = z.strictObject({
  version: z.literal(1),
  files: z.array(z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
    bytes: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  })),
});

/** A problem found in a run's files: the file, and what is wrong with it. */
export interface Damage {
  file: string;
  detail: string;
}

/** What {@link checkManifest} found. */
export type ManifestCheck = { status: "ok" } | { status: "absent" } | { status: "damaged"; damage: Damage };

/** SHA-256 of bytes, as lowercase hex. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Writes `dir/manifest.json` describing every other file in `dir` (call it after the last of them). */
export async function writeManifest(dir: string): Promise<void> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.isFile && e.name !== MANIFEST_FILE) names.push(e.name);
  const files = [];
  for (const name of names.sort()) {
    const bytes = await Deno.readFile(join(dir, name));
    files.push({ name, bytes: bytes.length, sha256: await sha256Hex(bytes) });
  }
  await writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify({ version: 1, files }, null, 1) + "\n");
}

/**
 * Checks every file `dir/manifest.json` lists against its size and SHA-256. A folder written before
 * manifests existed has none (`absent`): the caller checks what it can without one.
 */
export async function checkManifest(dir: string): Promise<ManifestCheck> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { status: "absent" };
    return { status: "damaged", damage: { file: path, detail: `unreadable (${osReason(e)})` } };
  }
  let manifest: z.infer<typeof Manifest>;
  try {
    manifest = Manifest.parse(JSON.parse(text));
  } catch {
    return { status: "damaged", damage: { file: path, detail: "not a valid manifest (torn or altered)" } };
  }
  for (const f of manifest.files) {
    const file = join(dir, f.name);
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(file);
    } catch (e) {
      const what = e instanceof Deno.errors.NotFound ? "missing" : `unreadable (${osReason(e)})`;
      return { status: "damaged", damage: { file, detail: `${what}; the manifest lists it` } };
    }
    if (bytes.length !== f.bytes) {
      return {
        status: "damaged",
        damage: {
          file,
          detail: `${bytes.length} bytes where the manifest says ${f.bytes} (truncated or torn)`,
        },
      };
    }
    if ((await sha256Hex(bytes)) !== f.sha256) {
      return {
        status: "damaged",
        damage: { file, detail: "contents differ from the manifest's checksum (damaged)" },
      };
    }
  }
  return { status: "ok" };
}
