import { Rng } from "../../util/rng.ts";

/** Attribute columns written to list_attr_celeba.txt, in CelebA's (alphabetical) order. */
export const SYNTH_ATTRIBUTES = [
  "Black_Hair",
  "Blond_Hair",
  "Eyeglasses",
  "Gray_Hair",
  "Male",
  "Mouth_Slightly_Open",
  "No_Beard",
  "Smiling",
  "Wearing_Lipstick",
  "Young",
] as const;

/** One of {@link SYNTH_ATTRIBUTES}. */
export type SynthAttribute = typeof SYNTH_ATTRIBUTES[number];

/** Probability that each written label is flipped (label noise). */
export const LABEL_NOISE = 0.03;

type Rgb = [number, number, number];

/** Everything needed to draw one face; sampled by {@link sampleFace}. Units: a 100×100 canvas. */
export interface FaceParams {
  /** True (noise-free) attributes. */
  truth: Record<SynthAttribute, boolean>;
  /** Written labels: `truth` with {@link LABEL_NOISE} flips. */
  labels: Record<SynthAttribute, boolean>;
  // Pose and framing.
  cx: number;
  cy: number;
  scale: number;
  rotate: number;
  /** Left-right turn in [-1, 1]: features slide sideways. */
  yaw: number;
  // Face shape.
  faceW: number;
  /** Jaw half-width at the chin corners, relative to faceW (women narrower on average). */
  jaw: number;
  skin: Rgb;
  // Hair.
  hair: Rgb;
  /** How far long hair falls below the eyes (0: short hair). */
  hairLength: number;
  /** Hairline height; larger = receding. */
  hairline: number;
  bald: boolean;
  // Brows and eyes.
  browThick: number;
  browArch: number;
  iris: Rgb;
  /** Eye opening 0..1 (smiles squint a little). */
  eyeOpen: number;
  // Mouth: curvature (>0 corners up), openness (0 closed), teeth visibility 0..1, width.
  mouthCurve: number;
  mouthOpen: number;
  teeth: number;
  mouthW: number;
  lip: Rgb;
  // Facial hair and age.
  stubble: number;
  mustache: boolean;
  wrinkles: number;
  // Eyeglasses.
  glasses?: { frame: Rgb; stroke: number; w: number; h: number; round: number; tint: number };
  // Scene.
  background: Rgb;
  background2: Rgb;
  blobs: { x: number; y: number; r: number; c: Rgb; a: number }[];
  shirt: Rgb;
  light: { angle: number; strength: number };
  /** Post-render brightness gain, contrast and per-pixel noise sigma (0..255 units). */
  gain: number;
  contrast: number;
  noise: number;
}

const HAIR: Record<string, Rgb> = {
  black: [28, 24, 22],
  darkBrown: [62, 42, 30],
  brown: [115, 78, 50],
  blond: [205, 172, 112],
  red: [150, 72, 38],
  gray: [150, 148, 145],
  white: [215, 213, 208],
};

const clamp = (x: number, a: number, b: number) => Math.min(b, Math.max(a, x));
const mix = (a: Rgb, b: Rgb, t: number): Rgb => [0, 1, 2].map((i) => a[i] + (b[i] - a[i]) * t) as Rgb;
const jitter = (rng: Rng, c: Rgb, d: number): Rgb => c.map((v) => clamp(v + rng.range(-d, d), 0, 255)) as Rgb;

/** Relative luminance (0..255) of a colour. */
const luma = (c: Rgb) => 0.3 * c[0] + 0.59 * c[1] + 0.11 * c[2];

/**
 * Samples face `index` of a set with `seed`: a pure function of (seed, index), so faces can be
 * rendered in any order or in parallel.
 *
 * The face fills most of the frame (little pose and scale variation, plain backgrounds kept apart
 * from the hair's brightness, little pixel noise) so that its cues survive downscaling to 48 px.
 *
 * Attributes and their correlations: P(male) = .45, P(young) = .75, P(smiling) = .56 for women
 * and .40 for men, P(eyeglasses) higher for men and for the old. How attributes show:
 * - gender: hair length (shoulder-length for 85% of women, 10% of men), jaw width, brow thickness
 *   and arch, stubble/mustache (men only), lipstick (women only, half of them); every cue overlaps.
 * - smile, depending on gender (the mouth SHAPE alone is ambiguous): women smile with an open
 *   mouth showing teeth, while a woman's neutral mouth is a closed, upward curve; men smile with a
 *   strongly curved closed mouth, while a man's neutral mouth is open, flat and often shows teeth.
 *   So an open mouth with teeth means "smiling" on a woman and "not smiling" on a man, and a closed
 *   curve the reverse; only the amount of curvature (and a slight squint) says something about the
 *   smile regardless of gender.
 * - eyeglasses: frames of varied shape/colour/thickness, some tinted.
 * - age: grey/white hair, wrinkles, receding hairline and baldness (men).
 */
export function sampleFace(seed: number, index: number): FaceParams {
  const rng = new Rng(0x5face, seed, index);
  const male = rng.chance(0.45);
  const young = rng.chance(0.75);
  const smiling = rng.chance(male ? 0.4 : 0.56);
  const eyeglasses = rng.chance(young ? (male ? 0.1 : 0.06) : (male ? 0.32 : 0.2));

  // Hair colour: grey/white mostly for the old.
  const grayHair = !young && rng.chance(0.55);
  const hairName = grayHair ? rng.pick(["gray", "white", "gray"]) : rng.pick(
    male
      ? ["black", "black", "darkBrown", "darkBrown", "brown", "blond", "red"]
      : ["black", "darkBrown", "brown", "brown", "blond", "blond", "red"],
  );
  const hair = jitter(rng, HAIR[hairName], 14);
  const longHair = rng.chance(male ? 0.1 : 0.85);
  const bald = male && !young && rng.chance(0.3);

  // Mouth, by gender and smile (see the doc comment): open+teeth vs closed curve swap meaning.
  let mouthCurve: number, mouthOpen: number, teeth: number;
  if (!male && smiling) {
    mouthCurve = rng.range(0.35, 0.9);
    mouthOpen = rng.range(0.55, 1);
    teeth = rng.range(0.85, 1);
  } else if (!male) {
    mouthCurve = rng.range(0.2, 0.65);
    mouthOpen = 0;
    teeth = 0;
  } else if (smiling) {
    mouthCurve = rng.range(0.45, 1);
    mouthOpen = 0;
    teeth = 0;
  } else {
    mouthCurve = rng.range(-0.15, 0.3);
    mouthOpen = rng.chance(0.85) ? rng.range(0.45, 0.9) : 0;
    teeth = mouthOpen > 0 && rng.chance(0.6) ? rng.range(0.7, 1) : 0;
  }
  const lipstick = !male && rng.chance(0.5);
  const stubble = male && rng.chance(0.35) ? rng.range(0.25, 0.55) : 0;
  const mustache = male && rng.chance(0.12);

  const skin = jitter(rng, mix([250, 222, 196], [112, 72, 48], rng.next() ** 1.3), 10);
  const truth: Record<SynthAttribute, boolean> = {
    Black_Hair: hairName === "black",
    Blond_Hair: hairName === "blond",
    Eyeglasses: eyeglasses,
    Gray_Hair: grayHair,
    Male: male,
    Mouth_Slightly_Open: mouthOpen > 0.05,
    No_Beard: stubble === 0 && !mustache,
    Smiling: smiling,
    Wearing_Lipstick: lipstick,
    Young: young,
  };
  const labels = { ...truth };
  for (const a of SYNTH_ATTRIBUTES) if (rng.chance(LABEL_NOISE)) labels[a] = !labels[a];

  // A muted background whose brightness stays clear of the hair's, so the hair outline shows.
  const hairLuma = luma(hair);
  const bgLuma = hairLuma > 128 ? rng.range(35, Math.max(40, hairLuma - 80)) : rng.range(
    Math.min(215, hairLuma + 90),
    225,
  );
  const tint: Rgb = [rng.range(-25, 25), rng.range(-25, 25), rng.range(-25, 25)];
  const bg = tint.map((t) => clamp(bgLuma + t, 0, 255)) as Rgb;
  return {
    truth,
    labels,
    cx: 50 + rng.range(-2.5, 2.5),
    cy: 44 + rng.range(-2, 2),
    scale: rng.range(1.45, 1.55),
    rotate: clamp(rng.normal() * 3.5, -8, 8),
    yaw: clamp(rng.normal() * 0.2, -0.5, 0.5),
    faceW: rng.range(20.5, 23),
    jaw: clamp((male ? 0.92 : 0.58) + rng.normal() * 0.08, 0.45, 1.05),
    skin,
    hair,
    hairLength: longHair ? rng.range(22, 40) : 0,
    hairline: bald
      ? rng.range(6, 12)
      : (male ? rng.range(0, 5) : rng.range(-2, 3)) + (young ? 0 : rng.range(0, 4)),
    bald,
    browThick: clamp((male ? 2.4 : 1.3) + rng.normal() * 0.35, 0.8, 3.2),
    browArch: clamp((male ? 0.6 : 2.0) + rng.normal() * 0.6, 0, 3.5),
    iris: jitter(rng, rng.pick([[70, 45, 30], [40, 30, 25], [70, 110, 150], [80, 110, 70]] as Rgb[]), 10),
    eyeOpen: clamp(rng.range(0.8, 1.05) - (smiling ? rng.range(0, 0.3) : 0), 0.4, 1.05),
    mouthCurve,
    mouthOpen,
    teeth,
    mouthW: rng.range(9.5, 10.5) + (smiling ? rng.range(0, 1) : 0),
    lip: lipstick ? jitter(rng, [185, 30, 55], 15) : mix(skin, [110, 40, 45], rng.range(0.55, 0.75)),
    stubble,
    mustache,
    wrinkles: young ? 0 : rng.range(0.2, 0.6),
    glasses: eyeglasses
      ? {
        frame: rng.chance(0.6)
          ? jitter(rng, [25, 22, 22], 15)
          : jitter(rng, rng.pick([[140, 140, 150], [120, 70, 40], [160, 30, 40]] as Rgb[]), 15),
        stroke: rng.range(0.9, 1.7),
        w: rng.range(9, 11.5),
        h: rng.range(5.5, 8),
        round: rng.range(1, 4),
        tint: rng.chance(0.12) ? rng.range(0.6, 0.9) : rng.range(0, 0.15),
      }
      : undefined,
    background: bg,
    background2: jitter(rng, bg, 20),
    blobs: Array.from({ length: rng.int(2) }, () => ({
      x: rng.chance(0.5) ? rng.range(0, 12) : rng.range(88, 100),
      y: rng.range(0, 100),
      r: rng.range(6, 14),
      c: jitter(rng, bg, 40),
      a: rng.range(0.2, 0.5),
    })),
    shirt: jitter(rng, [128, 128, 128], 120),
    light: { angle: rng.range(0, 360), strength: rng.range(0.03, 0.2) },
    gain: rng.range(0.9, 1.1),
    contrast: rng.range(0.95, 1.1),
    noise: rng.range(1, 3.5),
  };
}
