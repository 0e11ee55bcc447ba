import sharp from "sharp";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { Chart, RenderOptions } from "./types.ts";

/**
 * Renders a Vega-Lite spec headless: compile with vega-lite, draw with a vega View to SVG
 * (no canvas needed), then rasterize the SVG with sharp (librsvg).
 *
 * Text in the PNG needs a font that fontconfig can find (on Debian: `fonts-dejavu-core`);
 * without one, librsvg draws no text and nothing fails.
 */
export async function renderVegaLite(spec: TopLevelSpec, opts: RenderOptions = {}): Promise<Chart> {
  const scale = opts.scale ?? 2;
  if (!(scale > 0 && scale <= 8)) throw new RangeError(`scale must be in (0, 8], got ${scale}`);
  const { spec: vgSpec } = compile(spec);
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none" });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const { width, height } = svgSize(svg);
  // librsvg rasterizes at `density` dpi, 72 being one PNG pixel per SVG pixel.
  const png = await sharp(new TextEncoder().encode(svg), { density: 72 * scale }).png().toBuffer();
  return { svg, png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength), width, height, scale };
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /^<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (!m) throw new Error("vega produced an SVG without width/height");
  return { width: Number(m[1]), height: Number(m[2]) };
}
