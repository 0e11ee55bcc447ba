import sharp from "sharp";
import { UserError } from "../util/errors.ts";

/** How the (cropped) face is fitted into the size×size square. */
export type Fit = "fill" | "cover";

/** A box may pass the image's edge by this much (pixels) before it is an error: rounding, not a wrong box. */
const EDGE_TOLERANCE = 1;

/**
 * Decodes one image file with sharp, crops it to `box` (`[x, y, w, h]` in source pixels) and resizes
 * it to `size×size` RGB. `fill` stretches; `cover` keeps the aspect ratio and crops the centre.
 * Returns `size*size*3` bytes (HWC). An unreadable or undecodable file, and a box that passes the
 * image's edges (by more than a pixel of rounding), are UserErrors naming `where` and the file.
 */
export async function decodeImage(
  file: string,
  box: readonly [number, number, number, number] | undefined,
  size: number,
  where: string,
  fit: Fit = "fill",
): Promise<Uint8Array> {
  let input: Uint8Array;
  try {
    input = await Deno.readFile(file);
  } catch (e) {
    throw new UserError(where, `cannot read image ${file}: ${(e as Error).message}`);
  }
  try {
    let img = sharp(input, { failOn: "error" });
    if (box) {
      const meta = await img.metadata();
      const w = meta.width ?? 0, h = meta.height ?? 0;
      const x0 = Math.round(box[0]), y0 = Math.round(box[1]);
      const x1 = Math.round(box[0] + box[2]), y1 = Math.round(box[1] + box[3]);
      const past = [
        x0 < -EDGE_TOLERANCE ? "left" : "",
        y0 < -EDGE_TOLERANCE ? "top" : "",
        x1 > w + EDGE_TOLERANCE ? "right" : "",
        y1 > h + EDGE_TOLERANCE ? "bottom" : "",
      ].filter((s) => s !== "");
      if (past.length > 0) {
        throw new UserError(
          where,
          `box [${box.join(", ")}] passes the ${past.join(" and ")} edge of image ${file} (${w}×${h})`,
        );
      }
      const [cx0, cy0, cx1, cy1] = [Math.max(0, x0), Math.max(0, y0), Math.min(w, x1), Math.min(h, y1)];
      if (cx1 - cx0 < 1 || cy1 - cy0 < 1) {
        throw new UserError(where, `box [${box.join(", ")}] lies outside image ${file} (${w}×${h})`);
      }
      img = img.extract({ left: cx0, top: cy0, width: cx1 - cx0, height: cy1 - cy0 });
    }
    const { data, info } = await img
      .resize(size, size, { fit, kernel: "lanczos3" })
      .removeAlpha()
      .toColourspace("srgb")
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== size * size * 3) {
      throw new Error(`unexpected decoder output ${info.width}×${info.height}×${info.channels}`);
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.length);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(where, `cannot decode image ${file}: ${decodeFailure(input, e)}`);
  }
}

/**
 * Why a file did not decode, in words: a JPEG or PNG cut short is named as such from its bytes (the
 * decoder's own text is lost when several images fail at once: libvips keeps one error buffer per
 * process, and sharp then says only "Unknown error"); otherwise the decoder's first line.
 */
export function decodeFailure(bytes: Uint8Array, error: unknown): string {
  const n = bytes.length;
  const said = (error instanceof Error ? error.message : String(error)).split("\n")[0];
  const known = said !== "" && !/^Unknown error$/i.test(said);
  if (n === 0) return "the file is empty";
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    // A JPEG ends with the EOI marker FF D9 (some writers pad a few bytes after it).
    const tail = bytes.subarray(Math.max(0, n - 64));
    const hasEnd = tail.some((b, i) => b === 0xff && tail[i + 1] === 0xd9);
    if (!hasEnd) return `truncated JPEG (${n} bytes, no end-of-image marker)`;
    return known ? `corrupt JPEG (${said})` : "corrupt JPEG";
  }
  const PNG = [0x89, 0x50, 0x4e, 0x47];
  if (PNG.every((b, i) => bytes[i] === b)) {
    const iend = [0x49, 0x45, 0x4e, 0x44]; // "IEND", the last chunk's type
    const tail = bytes.subarray(Math.max(0, n - 12));
    const hasEnd = tail.some((_, i) => iend.every((b, k) => tail[i + k] === b));
    if (!hasEnd) return `truncated PNG (${n} bytes, no IEND chunk)`;
    return known ? `corrupt PNG (${said})` : "corrupt PNG";
  }
  return known ? said : "not an image sharp can decode (the decoder gave no reason)";
}
