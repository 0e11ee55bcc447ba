import type { FaceParams } from "./face.ts";

type Rgb = [number, number, number];

const f = (x: number) => (Math.round(x * 100) / 100).toString();
const rgb = (c: Rgb) => `rgb(${c.map((v) => Math.round(Math.min(255, Math.max(0, v)))).join(",")})`;
const shade = (c: Rgb, k: number): Rgb => c.map((v) => v * k) as Rgb;

/**
 * Draws a face as SVG on a 100×100 canvas rendered at `size`×`size` pixels. Face coordinates are
 * centred on the face (eyes at y≈-4, mouth at y≈15, chin at y≈29) and posed by one transform
 * (translate, rotate, scale); `yaw` slides the inner features sideways.
 */
export function faceSvg(p: FaceParams, size: number): string {
  const W = p.faceW;
  const jw = W * p.jaw;
  const top = -28;
  const chin = 29;
  const dx = p.yaw * 3.5; // feature shift for a turned head
  const skin = rgb(p.skin);
  const skinDark = rgb(shade(p.skin, 0.8));
  const hair = rgb(p.hair);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100">`,
    "<defs>",
    `<linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${
      rgb(p.background)
    }"/>` +
      `<stop offset="1" stop-color="${rgb(p.background2)}"/></linearGradient>`,
    `<linearGradient id="light" gradientTransform="rotate(${f(p.light.angle)} 0.5 0.5)">` +
      `<stop offset="0" stop-color="#fff" stop-opacity="${f(p.light.strength)}"/>` +
      `<stop offset="1" stop-color="#000" stop-opacity="${f(p.light.strength)}"/></linearGradient>`,
    "</defs>",
    `<rect width="100" height="100" fill="url(#bg)"/>`,
  );
  for (const b of p.blobs) {
    out.push(
      `<circle cx="${f(b.x)}" cy="${f(b.y)}" r="${f(b.r)}" fill="${rgb(b.c)}" fill-opacity="${f(b.a)}"/>`,
    );
  }
  out.push(`<g transform="translate(${f(p.cx)} ${f(p.cy)}) rotate(${f(p.rotate)}) scale(${f(p.scale)})">`);

  // Long hair behind the head.
  if (p.hairLength > 0) {
    const bottom = p.hairLength;
    out.push(
      `<path d="M ${f(-W - 5)} ${f(bottom)} L ${f(-W - 6)} -6 C ${f(-W - 7)} -42 ${f(W + 7)} -42 ${
        f(W + 6)
      } -6 ` +
        `L ${f(W + 5)} ${f(bottom)} Q 0 ${f(bottom + 6)} ${f(-W - 5)} ${f(bottom)} Z" fill="${hair}"/>`,
    );
  }
  // Shoulders, neck, ears.
  out.push(
    `<ellipse cx="0" cy="62" rx="40" ry="20" fill="${rgb(p.shirt)}"/>`,
    `<rect x="-9" y="14" width="18" height="36" fill="${skinDark}"/>`,
    `<ellipse cx="${f(-W + dx * 0.3)}" cy="-1" rx="3.2" ry="5.5" fill="${skinDark}"/>`,
    `<ellipse cx="${f(W + dx * 0.3)}" cy="-1" rx="3.2" ry="5.5" fill="${skinDark}"/>`,
  );
  // Face: upper half-ellipse and a jaw whose width is a gender cue.
  out.push(
    `<path d="M ${f(-W)} 0 A ${f(W)} ${f(-top)} 0 0 1 ${f(W)} 0 C ${f(W)} 12 ${f(jw + 2)} 22 ${
      f(jw * 0.55)
    } 27 ` +
      `Q 0 ${f(chin + 1)} ${f(-jw * 0.55)} 27 C ${f(-jw - 2)} 22 ${f(-W)} 12 ${f(-W)} 0 Z" fill="${skin}"/>`,
  );
  if (p.stubble > 0) {
    out.push(
      `<path d="M ${f(-W + 1)} 8 C ${f(-W + 1)} 16 ${f(-jw)} 22 ${f(-jw * 0.55)} 26 Q 0 ${f(chin)} ${
        f(jw * 0.55)
      } 26 ` +
        `C ${f(jw)} 22 ${f(W - 1)} 16 ${f(W - 1)} 8 Q 0 14 ${f(-W + 1)} 8 Z" fill="${hair}" fill-opacity="${
          f(p.stubble)
        }"/>`,
    );
  }
  if (p.wrinkles > 0) {
    const a = f(p.wrinkles);
    const ws = rgb(shade(p.skin, 0.6));
    out.push(
      `<path d="M -9 -17 Q 0 -19 9 -17 M -8 -20.5 Q 0 -22.5 8 -20.5" stroke="${ws}" stroke-width="0.6" ` +
        `fill="none" stroke-opacity="${a}"/>`,
      `<path d="M ${f(dx - 5)} 6 Q ${f(dx - 8)} 12 ${f(dx - 8)} 16 M ${f(dx + 5)} 6 Q ${f(dx + 8)} 12 ${
        f(dx + 8)
      } 16" ` +
        `stroke="${ws}" stroke-width="0.7" fill="none" stroke-opacity="${a}"/>`,
    );
  }
  // Eyes and brows.
  for (const side of [-1, 1]) {
    const ex = side * 8.5 + dx;
    const ry = 2 * p.eyeOpen;
    out.push(
      `<ellipse cx="${f(ex)}" cy="-4" rx="3.6" ry="${f(ry)}" fill="#f4f1ec"/>`,
      `<circle cx="${f(ex + p.yaw)}" cy="-4" r="${f(Math.min(1.6, ry + 0.2))}" fill="${rgb(p.iris)}"/>`,
      `<circle cx="${f(ex + p.yaw)}" cy="-4" r="0.7" fill="#111"/>`,
      `<path d="M ${f(ex - 3.8)} -4 Q ${f(ex)} ${f(-4 - ry * 1.5)} ${f(ex + 3.8)} -4" stroke="${
        rgb(shade(p.skin, 0.45))
      }" ` +
        `stroke-width="0.7" fill="none"/>`,
      `<path d="M ${f(ex - 4.5 * side)} -10 Q ${f(ex)} ${f(-11 - p.browArch)} ${f(ex + 4.5 * side)} ${
        f(-10 + p.browArch * 0.2)
      }" stroke="${rgb(shade(p.hair, 0.8))}" stroke-width="${
        f(p.browThick)
      }" stroke-linecap="round" fill="none"/>`,
    );
  }
  // Nose.
  out.push(
    `<path d="M ${f(dx * 1.3 - 0.5)} -2 L ${f(dx * 1.4 - 1)} 7 M ${f(dx * 1.3 - 2.2)} 8 Q ${f(dx * 1.3)} 10 ${
      f(dx * 1.3 + 2.2)
    } 8" stroke="${rgb(shade(p.skin, 0.65))}" stroke-width="0.8" fill="none" stroke-linecap="round"/>`,
  );
  out.push(mouthSvg(p, dx));
  if (p.mustache) {
    out.push(
      `<path d="M ${f(dx - 6)} 13 Q ${f(dx)} 9.5 ${f(dx + 6)} 13 Q ${f(dx)} 11.5 ${
        f(dx - 6)
      } 13 Z" fill="${hair}"/>`,
    );
  }
  // Hair on top (fringe/hairline), thin for bald heads.
  if (!p.bald) {
    const hl = -17 + p.hairline;
    out.push(
      `<path d="M ${f(-W - 1.5)} 2 C ${f(-W - 3)} -41 ${f(W + 3)} -41 ${f(W + 1.5)} 2 L ${f(W - 1.5)} -6 ` +
        `Q ${f(W - 4)} ${f(hl)} ${f(dx)} ${f(hl - 1)} Q ${f(-W + 4)} ${f(hl)} ${
          f(-W + 1.5)
        } -6 Z" fill="${hair}"/>`,
    );
  } else {
    out.push(
      `<path d="M ${f(-W - 0.5)} 2 Q ${f(-W - 1)} -12 ${f(-W + 3)} -16 L ${f(-W + 3)} -4 Z M ${
        f(W + 0.5)
      } 2 ` +
        `Q ${f(W + 1)} -12 ${f(W - 3)} -16 L ${f(W - 3)} -4 Z" fill="${hair}"/>`,
    );
  }
  if (p.glasses) out.push(glassesSvg(p, dx));
  out.push("</g>", `<rect width="100" height="100" fill="url(#light)"/>`, "</svg>");
  return out.join("");
}

/**
 * The mouth, drawn large and high-contrast so it survives downscaling: a thick closed curve, or an
 * open mouth with a very dark inside and (when `teeth` > 0) a bright band of teeth.
 */
function mouthSvg(p: FaceParams, dx: number): string {
  const y = 16;
  const hw = p.mouthW;
  const cy = y - p.mouthCurve * 5; // corners rise with the curve
  const lip = rgb(p.lip);
  const mx = dx * 1.2;
  if (p.mouthOpen <= 0.02) {
    const mid = y + p.mouthCurve * 2.5;
    return `<path d="M ${f(mx - hw)} ${f(cy)} Q ${f(mx)} ${f(mid + p.mouthCurve * 2)} ${f(mx + hw)} ${
      f(cy)
    }" ` +
      `stroke="${lip}" stroke-width="3.2" stroke-linecap="round" fill="none"/>`;
  }
  const upper = y + p.mouthCurve * 0.8 - 0.5;
  const lower = y + p.mouthCurve * 2 + 1 + p.mouthOpen * 6.5;
  const shape = `M ${f(mx - hw)} ${f(cy)} Q ${f(mx)} ${f(upper * 2 - cy)} ${f(mx + hw)} ${f(cy)} ` +
    `Q ${f(mx)} ${f(lower * 2 - cy)} ${f(mx - hw)} ${f(cy)} Z`;
  const parts = [
    `<clipPath id="m"><path d="${shape}"/></clipPath>`,
    `<path d="${shape}" fill="#2a0a10"/>`,
  ];
  if (p.teeth > 0) {
    const th = 1.8 + p.mouthOpen * 3.2;
    parts.push(
      `<rect x="${f(mx - hw)}" y="${f(Math.min(cy, upper) - 1)}" width="${f(2 * hw)}" height="${
        f(upper - Math.min(cy, upper) + 1 + th)
      }" fill="#fbfaf4" fill-opacity="${f(p.teeth)}" clip-path="url(#m)"/>`,
    );
  }
  parts.push(`<path d="${shape}" stroke="${lip}" stroke-width="1.8" fill="none" stroke-linejoin="round"/>`);
  return parts.join("");
}

function glassesSvg(p: FaceParams, dx: number): string {
  const g = p.glasses!;
  const frame = rgb(g.frame);
  const parts: string[] = [];
  for (const side of [-1, 1]) {
    const ex = side * 8.5 + dx;
    parts.push(
      `<rect x="${f(ex - g.w / 2)}" y="${f(-4 - g.h / 2)}" width="${f(g.w)}" height="${f(g.h)}" rx="${
        f(g.round)
      }" ` +
        `fill="#1a1a22" fill-opacity="${f(g.tint)}" stroke="${frame}" stroke-width="${f(g.stroke)}"/>`,
    );
  }
  const inner = 8.5 - g.w / 2;
  const outer = 8.5 + g.w / 2;
  parts.push(
    `<path d="M ${f(dx - inner)} -4.5 Q ${f(dx)} -6 ${f(dx + inner)} -4.5 M ${f(dx - outer)} -5 L ${
      f(-p.faceW)
    } -3 ` +
      `M ${f(dx + outer)} -5 L ${f(p.faceW)} -3" stroke="${frame}" stroke-width="${
        f(g.stroke * 0.8)
      }" fill="none"/>`,
  );
  return parts.join("");
}
