/**
 * `deno task predict RUN_DIR IMAGE… [--box x,y,w,h] [--json]` — each head's predicted class and its
 * probability for each image, using the run's best model. Images are resized to the run's input size
 * the way training data was; `--box` crops a face out of an uncropped photo first.
 */
import {
  BACKEND_FLAG_HELP,
  BACKEND_OPTION,
  backendFromArgs,
  describeBackend,
  useBackend,
} from "../backend/mod.ts";
import { decodeImage } from "../data/decode.ts";
import { toUnitFloats } from "../data/mod.ts";
import { predictProbabilities } from "../eval/metrics.ts";
import { withPermissionHint } from "../train/flags.ts";
import { loadRun, type RunWeights } from "../train/load_run.ts";
import { UserError } from "../util/errors.ts";
import { parseArgs } from "./args.ts";
import { runMain } from "./main.ts";

const USAGE = "deno task predict RUN_DIR IMAGE… [--box x,y,w,h] [--weights best|last] [--json]";
const HELP = `usage: ${USAGE}

Prints, for each image, every head's most probable class and its probability.

  RUN_DIR             a run directory (runs/<graph>/<id>)
  IMAGE               image files (JPEG, PNG, WebP, …), already cropped to the face like the training data
  --box x,y,w,h       crop this face box (source pixels) first, for uncropped photos (applies to every image)
  --weights W         best (default) or last
  --json              one JSON array with every class probability
${BACKEND_FLAG_HELP}`;

const OPTIONS = {
  box: { type: "string" },
  weights: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  ...BACKEND_OPTION,
} as const;

/** Parses `x,y,w,h` (non-negative, w and h positive). */
export function parseBox(text: string): [number, number, number, number] {
  const v = text.split(",").map((s) => Number(s.trim()));
  if (v.length !== 4 || v.some((n) => !Number.isFinite(n) || n < 0) || v[2] <= 0 || v[3] <= 0) {
    throw new UserError("--box", `expected x,y,w,h in pixels with w,h > 0, got '${text}'`);
  }
  return v as [number, number, number, number];
}

/** One image's prediction. */
export interface Prediction {
  image: string;
  heads: Record<string, { class: string; probability: number; probabilities: Record<string, number> }>;
}

/** The text lines of predictions: `photo.jpg  smile: smile 0.93  gender: male 0.88`. */
export function formatPredictions(predictions: readonly Prediction[]): string {
  const width = Math.max(...predictions.map((p) => p.image.length));
  return predictions.map((p) =>
    [
      p.image.padEnd(width),
      ...Object.entries(p.heads).map(([h, v]) => `${h}: ${v.class} ${v.probability.toFixed(2)}`),
    ].join("  ")
  ).join("\n");
}

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs(args, OPTIONS, USAGE);
  if (values.help) {
    console.log(HELP);
    return;
  }
  const [runDir, ...images] = positionals;
  if (!runDir || images.length === 0) {
    throw new UserError("", `name a run directory and at least one image\nusage: ${USAGE}`);
  }
  const box = typeof values.box === "string" ? parseBox(values.box) : undefined;
  const weights = (values.weights ?? "best") as RunWeights;
  if (weights !== "best" && weights !== "last") {
    throw new UserError("--weights", `expected best or last, got '${weights}'`);
  }
  const chosen = await useBackend(backendFromArgs(values));
  console.error(describeBackend(chosen));
  const run = await loadRun(runDir, weights);
  const size = run.config.inputSize;
  const px = size * size * 3;
  const x = new Float32Array(images.length * px);
  for (const [i, file] of images.entries()) {
    toUnitFloats(await decodeImage(file, box, size, file), x, i * px);
  }
  const probs = predictProbabilities(run.model, x, images.length, size);
  const predictions: Prediction[] = images.map((image, i) => ({
    image,
    heads: Object.fromEntries(run.config.heads.map((h, hi) => {
      const p = probs[hi][i];
      const best = p.indexOf(Math.max(...p));
      return [h.name, {
        class: h.classes[best],
        probability: p[best],
        probabilities: Object.fromEntries(h.classes.map((c, ci) => [c, p[ci]])),
      }];
    })),
  }));
  console.log(values.json ? JSON.stringify(predictions, null, 2) : formatPredictions(predictions));
}

if (import.meta.main) runMain(() => withPermissionHint(() => main(Deno.args)));
