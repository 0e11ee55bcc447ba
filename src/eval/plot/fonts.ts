import sharp from "sharp";

let cached: Promise<boolean> | undefined;

/**
 * Whether sharp (librsvg) can draw SVG text here. Without a font that fontconfig finds, PNGs come
 * out with no titles, labels or legends, and nothing fails; on Debian/Ubuntu install
 * `fonts-dejavu-core`. The answer is computed once per process.
 */
export function canRenderText(): Promise<boolean> {
  cached ??= inkOfText();
  return cached;
}

async function inkOfText(): Promise<boolean> {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">' +
    '<rect width="120" height="40" fill="white"/>' +
    '<text x="5" y="30" font-family="sans-serif" font-size="28" fill="black">Hg 01</text></svg>';
  const { data } = await sharp(new TextEncoder().encode(svg)).greyscale().raw().toBuffer({
    resolveWithObject: true,
  });
  let dark = 0;
  for (const v of data) if (v < 128) dark++;
  return dark > 100;
}
