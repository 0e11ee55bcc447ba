/**
 * `deno task predict RUN_DIR IMAGE… [--box x,y,w,h] [--json]` — each head's predicted class and its
 * probability for each image, using the run's best model. Images are prepared the way the run records
 * its training data was (size, crop, scaling); `--box` crops a face out of an uncropped photo first.
 *
 * @module
 */
import { BACKEND_FLAGS } from "../backend/names.ts";
import { formatPredictions, predictImages } from "../eval/predict.ts";
import { loadRun } from "../run/mod.ts";
import { UserError } from "../util/errors.ts";
import { quoted } from "../util/text.ts";
import { defineCommand } from "./command.ts";
import { COMMON_FLAGS } from "./common_flags.ts";

/** Parses `x,y,w,h`: whole pixels, w and h positive. */
export function parseBox(text: string): [number, number, number, number] {
  const v = text.split(",").map((s) => (/^\d{1,7}$/.test(s.trim()) ? Number(s.trim()) : NaN));
  if (v.length !== 4 || v.some((n) => Number.isNaN(n)) || v[2] <= 0 || v[3] <= 0) {
    throw new UserError("--box", `expected x,y,w,h in whole pixels with w,h > 0, got ${quoted(text)}`);
  }
  return v as [number, number, number, number];
}

/** The `predict` command. */
export const PREDICT = defineCommand({
  name: "predict",
  usage: "RUN_DIR IMAGE… [--box x,y,w,h] [--weights best|last] [--json]",
  about: "Prints, for each image, every head's most probable class and its probability.",
  positionals: [
    ["RUN_DIR", "a run directory (runs/<graph>/<id>)"],
    ["IMAGE", "image files (JPEG, PNG, WebP, …), already cropped to the face like the training data"],
  ],
  flags: {
    box: {
      type: "string",
      arg: "x,y,w,h",
      help: "crop this face box (source pixels) first, for uncropped photos (applies to every image)",
    },
    weights: COMMON_FLAGS.weights,
    json: { ...COMMON_FLAGS.json, help: "one JSON array with every class probability" },
    ...BACKEND_FLAGS,
  },
  writes: ["runs", ".cache"],
  backendLog: "stderr",
}, async ({ values, positionals, backend }) => {
  const [runDir, ...images] = positionals;
  if (!runDir || images.length === 0) {
    throw new UserError("", `name a run directory and at least one image\nusage: ${PREDICT.usage}`);
  }
  const box = values.box === undefined ? undefined : parseBox(values.box);
  await backend();
  const run = await loadRun(runDir, values.weights);
  console.error(`weights: ${run.label} ${run.weights.description}`);
  const predictions = await predictImages(run.model, run.config.heads, run.config.preprocessing, images, box);
  console.log(values.json ? JSON.stringify(predictions, null, 2) : formatPredictions(predictions));
});

if (import.meta.main) PREDICT.main();
