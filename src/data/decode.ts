import sharp from "sharp";
import { UserError } from "../util/errors.ts";

/** How the (cropped) face is fitted into the size×size square. */
export type Fit = "fill" | "cover";

/**
 * Decodes one image file with sharp, crops it to `box` (`[x, y, w, h]` in source pixels, clamped to
 * the image) and resizes it to `size×size` RGB. `fill` stretches; `cover` keeps the aspect ratio and
 * crops the centre. Returns `size*size*3` bytes (HWC). An unreadable or undecodable file is a
 * UserError naming `where`.
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
      const x0 = Math.max(0, Math.round(box[0])), y0 = Math.max(0, Math.round(box[1]));
      const x1 = Math.min(w, Math.round(box[0] + box[2])), y1 = Math.min(h, Math.round(box[1] + box[3]));
      if (x1 - x0 < 1 || y1 - y0 < 1) {
        throw new UserError(where, `box [${box.join(", ")}] lies outside image ${file} (${w}×${h})`);
      }
      img = img.extract({ left: x0, top: y0, width: x1 - x0, height: y1 - y0 });
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
    const msg = (e as Error).message.split("\n")[0];
    throw new UserError(where, `cannot decode image ${file}: ${msg}`);
  }
}
