/**
 * Opening a finished (or running) run for evaluation and prediction: its config.json and a trained
 * model — `best/` (by mean validation accuracy) or the latest checkpoint.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { basename, join } from "node:path";
import { registerProjectLayers } from "../layers/mod.ts";
import { UserError } from "../util/errors.ts";
import { BEST_DIR, latestCheckpoint } from "./checkpoint.ts";
import { fileLoadHandler, MODEL_FILE } from "./io_handler.ts";
import { readRunConfig, type RunConfig } from "./run_dir.ts";
import { exists } from "../util/fs.ts";

/** Which weights of a run to use. */
export type RunWeights = "best" | "last";

/** A loaded run. */
export interface LoadedRun {
  runDir: string;
  /** `<graph>/<id>`: how tables and messages name the run. */
  label: string;
  config: RunConfig;
  model: tf.LayersModel;
  /** The model.json the weights came from. */
  source: string;
}

/** The model.json of a run's `best/` or latest checkpoint (best falls back to last when absent). */
export async function runModelPath(runDir: string, which: RunWeights): Promise<string> {
  const best = join(runDir, BEST_DIR, MODEL_FILE);
  if (which === "best" && (await exists(best))) return best;
  const ckpt = await latestCheckpoint(runDir);
  if (ckpt) return join(ckpt, MODEL_FILE);
  throw new UserError(runDir, "the run has no trained model yet (no best/ and no checkpoint)");
}

/** Loads a run's config and model (custom layers registered first). */
export async function loadRun(runDir: string, which: RunWeights = "best"): Promise<LoadedRun> {
  const config = await readRunConfig(runDir);
  const source = await runModelPath(runDir, which);
  registerProjectLayers();
  const model = await tf.loadLayersModel(fileLoadHandler(source));
  const outputs = model.outputs.length;
  if (outputs !== config.heads.length) {
    throw new UserError(
      source,
      `model has ${outputs} outputs but config.json names ${config.heads.length} heads`,
    );
  }
  return {
    runDir,
    label: `${config.graphName}/${basename(runDir.replace(/\/+$/, ""))}`,
    config,
    model,
    source,
  };
}
