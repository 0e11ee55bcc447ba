/** Tiny datasets made on the fly in a temp folder, for the data-layer tests. */
import { join } from "node:path";
import sharp from "sharp";
import { isUserError, type UserError } from "../../src/util/errors.ts";
import { tempDir as makeTemp } from "../temp.ts";

/** A fresh temp folder (removed after the test file's last test, if the test has not removed it). */
export function tempDir(): Promise<string> {
  return makeTemp("data-test-");
}

/** Writes a solid-colour image (PNG, or JPEG when the name ends in .jpg). */
export async function solidImage(
  path: string,
  w: number,
  h: number,
  rgb: [number, number, number],
): Promise<void> {
  const img = sharp({
    create: { width: w, height: h, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } },
  });
  const buf = path.endsWith(".jpg") ? await img.jpeg({ quality: 95 }).toBuffer() : await img.png().toBuffer();
  await Deno.writeFile(path, buf);
}

/** Options of {@link celebaFixture}. */
export interface CelebaFixture {
  /** Attribute names (line 2). */
  names?: string[];
  /** Rows: image id -> values (±1), in names order. */
  rows?: [string, number[]][];
  /** Partition values per row (0/1/2); absent: no partition file. */
  partition?: number[] | null;
  crlf?: boolean;
  /** Ids whose image is not written. */
  missing?: string[];
  /** Extra raw text appended to the attribute file. */
  extraLines?: string[];
  /** Ids written as garbage bytes instead of an image. */
  corrupt?: string[];
}

/** Default fixture: 10 images, attributes `Male Smiling Young`, CelebA-like spacing. */
export function defaultRows(n = 10): [string, number[]][] {
  return Array.from({ length: n }, (_, i) => [
    `${String(i + 1).padStart(6, "0")}.png`,
    [i % 2 ? 1 : -1, i % 3 ? -1 : 1, 1],
  ]);
}

/**
 * Writes a CelebA-layout folder: `img_align_celeba/` (solid images, colour from the index),
 * `list_attr_celeba.txt` (values padded with several spaces), optional `list_eval_partition.txt`.
 */
export async function celebaFixture(dir: string, o: CelebaFixture = {}): Promise<string> {
  const names = o.names ?? ["Male", "Smiling", "Young"];
  const rows = o.rows ?? defaultRows();
  const nl = o.crlf ? "\r\n" : "\n";
  await Deno.mkdir(join(dir, "img_align_celeba"), { recursive: true });
  const lines = [String(rows.length + (o.extraLines?.length ?? 0)), names.join(" ")];
  for (const [id, vals] of rows) lines.push(`${id}  ${vals.map((v) => (v > 0 ? " 1" : "-1")).join("  ")}`);
  lines.push(...(o.extraLines ?? []));
  await Deno.writeTextFile(join(dir, "list_attr_celeba.txt"), lines.join(nl) + nl);
  const partition = o.partition === undefined
    ? rows.map((_, i) => (i < rows.length - 4 ? 0 : i < rows.length - 2 ? 1 : 2))
    : o.partition;
  if (partition) {
    await Deno.writeTextFile(
      join(dir, "list_eval_partition.txt"),
      rows.map(([id], i) => `${id} ${partition[i]}`).join(nl) + nl,
    );
  }
  for (let i = 0; i < rows.length; i++) {
    const id = rows[i][0];
    if (o.missing?.includes(id)) continue;
    const path = join(dir, "img_align_celeba", id);
    if (o.corrupt?.includes(id)) await Deno.writeFile(path, new TextEncoder().encode("not an image"));
    else await solidImage(path, 12, 16, [i * 20, 255 - i * 20, 100]);
  }
  return dir;
}

/** Awaits `fn`, which must reject with a UserError; returns it. */
export async function userError(fn: () => Promise<unknown>): Promise<UserError> {
  try {
    await fn();
  } catch (e) {
    if (isUserError(e)) return e;
    throw e;
  }
  throw new Error("expected a UserError, but nothing was thrown");
}

/** Asserts that `text` contains `part`. */
export function includes(text: string, part: string): void {
  if (!text.includes(part)) {
    throw new Error(`expected ${JSON.stringify(text)} to include ${JSON.stringify(part)}`);
  }
}
