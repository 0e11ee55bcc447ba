/** Helpers for the chart tests: count SVG marks, read text, decode a PNG and measure its ink. */
import sharp from "sharp";

/** Number of occurrences of `needle` in `text`. */
export function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** The text contents of all `<text>` elements, in order. */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

/** Decoded PNG: size and the variance of its grey levels (0 for a blank picture). */
export async function pngStats(png: Uint8Array, region?: sharp.Region) {
  const img = sharp(png);
  const meta = await img.metadata();
  const { data, info } = await (region ? img.extract(region) : img).greyscale().raw().toBuffer({
    resolveWithObject: true,
  });
  let sum = 0;
  let sum2 = 0;
  let dark = 0;
  for (const v of data) {
    sum += v;
    sum2 += v * v;
    if (v < 128) dark++;
  }
  const mean = sum / data.length;
  return { width: meta.width, height: meta.height, info, variance: sum2 / data.length - mean * mean, dark };
}
