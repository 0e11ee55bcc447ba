import { join } from "node:path";
import sharp from "sharp";
import { writeFileAtomic } from "../../util/atomic.ts";
import { runPool } from "../pool.ts";
import { Rng } from "../../util/rng.ts";
import { type FaceParams, LABEL_NOISE, sampleFace, SYNTH_ATTRIBUTES } from "./face.ts";
import { faceSvg } from "./svg.ts";
import { claimSynthFolder } from "./target.ts";

/** Version tag of the generator, recorded in synth.json; bump when images or labels change. */
export const GENERATOR = "synthetic faces v3";

/** Options of {@link generateSynth}. */
export interface SynthOptions {
  /** Output folder (CelebA layout is written inside). */
  out: string;
  count: number;
  /** Image side in pixels. */
  size: number;
  seed: number;
  /** Faces rendered at once (default 4). */
  concurrency?: number;
  /** Write into `out` even when it holds files data:synth did not write (see `claimSynthFolder`). */
  force?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** What {@link generateSynth} wrote. */
export interface SynthSummary {
  out: string;
  count: number;
  /** Count per split (80/10/10 by index). */
  splits: { train: number; val: number; test: number };
  /** Fraction of faces with each written label positive. */
  positives: Record<string, number>;
  ms: number;
}

/** Image file name of face `i` (0-based), CelebA style: `000001.jpg`. */
export function synthFileName(i: number): string {
  return `${String(i + 1).padStart(6, "0")}.jpg`;
}

/**
 * Renders face `index` of a set: SVG drawn by librsvg (via sharp), then lighting gain, contrast and
 * Gaussian pixel noise (seeded), encoded as JPEG (quality 90). Deterministic for (seed, index, size).
 */
export async function renderFace(
  seed: number,
  index: number,
  size: number,
): Promise<{ params: FaceParams; jpeg: Uint8Array }> {
  const params = sampleFace(seed, index);
  const svg = new TextEncoder().encode(faceSvg(params, size));
  const { data } = await sharp(svg, { density: 72 }).removeAlpha().raw().toBuffer({
    resolveWithObject: true,
  });
  const rng = new Rng(0x0015e, seed, index);
  const px = new Uint8Array(data.buffer, data.byteOffset, data.length);
  const { gain, contrast, noise } = params;
  for (let i = 0; i < px.length; i++) {
    const v = ((px[i] - 128) * contrast + 128) * gain + rng.normal() * noise;
    px[i] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
  }
  const jpeg = await sharp(px, { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality: 90 })
    .toBuffer();
  return { params, jpeg: new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.length) };
}

/** Split of face `i` of `count`: first 80% train, next 10% val, last 10% test (0/1/2). */
export function synthSplit(i: number, count: number): 0 | 1 | 2 {
  const nTrain = Math.round(count * 0.8);
  const nVal = Math.round(count * 0.1);
  return i < nTrain ? 0 : i < nTrain + nVal ? 1 : 2;
}

/**
 * Generates a synthetic face-attribute set in the CelebA layout under `out`:
 * `img_align_celeba/000001.jpg…`, `list_attr_celeba.txt` (written labels, with label noise),
 * `list_attr_clean.txt` (the same without noise), `list_eval_partition.txt` (80/10/10) and
 * `synth.json` (settings). The label files are written last, atomically. A folder holding files
 * data:synth did not write is refused (a UserError) unless `force`.
 */
export async function generateSynth(o: SynthOptions): Promise<SynthSummary> {
  const t0 = performance.now();
  await claimSynthFolder(o.out, o.force);
  const imgDir = join(o.out, "img_align_celeba");
  await Deno.mkdir(imgDir, { recursive: true });
  const params = new Array<FaceParams>(o.count);
  let done = 0;
  await runPool(o.count, o.concurrency ?? 4, async (i) => {
    const r = await renderFace(o.seed, i, o.size);
    params[i] = r.params;
    await Deno.writeFile(join(imgDir, synthFileName(i)), r.jpeg);
    done++;
    if (done % 100 === 0 || done === o.count) o.onProgress?.(done, o.count);
  });

  const table = (clean: boolean) => {
    const lines = [String(o.count), SYNTH_ATTRIBUTES.join(" ")];
    params.forEach((p, i) => {
      const l = clean ? p.truth : p.labels;
      lines.push(`${synthFileName(i)} ${SYNTH_ATTRIBUTES.map((a) => (l[a] ? " 1" : "-1")).join(" ")}`);
    });
    return lines.join("\n") + "\n";
  };
  const partition = params.map((_, i) => `${synthFileName(i)} ${synthSplit(i, o.count)}`).join("\n") + "\n";
  const splits = { train: 0, val: 0, test: 0 };
  for (let i = 0; i < o.count; i++) splits[(["train", "val", "test"] as const)[synthSplit(i, o.count)]]++;
  const positives: Record<string, number> = {};
  for (const a of SYNTH_ATTRIBUTES) {
    positives[a] = params.filter((p) => p.labels[a]).length / Math.max(1, o.count);
  }

  await writeFileAtomic(
    join(o.out, "synth.json"),
    JSON.stringify(
      {
        generator: GENERATOR,
        seed: o.seed,
        count: o.count,
        size: o.size,
        labelNoise: LABEL_NOISE,
        splits,
      },
      null,
      2,
    ) + "\n",
  );
  await writeFileAtomic(join(o.out, "list_attr_clean.txt"), table(true));
  await writeFileAtomic(join(o.out, "list_eval_partition.txt"), partition);
  await writeFileAtomic(join(o.out, "list_attr_celeba.txt"), table(false));
  return { out: o.out, count: o.count, splits, positives, ms: performance.now() - t0 };
}

/**
 * Makes sure `o.out` holds the synthetic set for these settings: when its `synth.json` records the
 * same seed, count and size (and the label file exists) nothing is done; otherwise it is generated.
 * Returns whether it was generated.
 */
export async function ensureSynth(o: SynthOptions): Promise<boolean> {
  try {
    const meta = JSON.parse(await Deno.readTextFile(join(o.out, "synth.json")));
    await Deno.stat(join(o.out, "list_attr_celeba.txt"));
    if (
      meta.generator === GENERATOR && meta.seed === o.seed && meta.count === o.count && meta.size === o.size
    ) {
      return false;
    }
  } catch {
    // Missing or unreadable: generate.
  }
  await generateSynth(o);
  return true;
}

/**
 * A contact sheet: the first `n` images of a CelebA-layout folder in a grid (PNG), each
 * magnified `zoom` times, for eyeballing generated faces.
 */
export async function contactSheet(dir: string, n: number, cols: number, zoom = 2): Promise<Uint8Array> {
  const files = Array.from({ length: n }, (_, i) => join(dir, "img_align_celeba", synthFileName(i)));
  const tiles = await Promise.all(
    files.map(async (file) => {
      const meta = await sharp(file).metadata();
      const side = (meta.width ?? 64) * zoom;
      return { side, buf: await sharp(file).resize(side, side, { kernel: "nearest" }).png().toBuffer() };
    }),
  );
  const side = tiles[0]?.side ?? 128;
  const rows = Math.ceil(n / cols);
  const png = await sharp({
    create: { width: cols * (side + 2), height: rows * (side + 2), channels: 3, background: "#ffffff" },
  })
    .composite(
      tiles.map((t, i) => ({
        input: t.buf,
        left: (i % cols) * (side + 2),
        top: Math.floor(i / cols) * (side + 2),
      })),
    )
    .png()
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.length);
}
