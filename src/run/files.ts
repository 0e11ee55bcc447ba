/**
 * The files of a run directory, `runs/<graph>/<id>/`, and finding its models:
 *
 * ```
 * config.json        the resolved configuration (src/run/config.ts), preprocessing included
 * spec.json          the graph spec as the compiler loaded it, at the run's input size
 * metrics.jsonl      one record per finished epoch
 * metrics.csv        the same, one flat row per epoch
 * best/              model.json + weights.bin of the best epoch (by mean validation accuracy), best.json
 * checkpoints/       step-NNNNNNNN/ (model, optimizer.bin, state.json) and `latest` naming the newest
 * curves.svg/.png    loss and accuracy per head per epoch
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { exists } from "../util/fs.ts";
import { UserError } from "../util/errors.ts";
import { MODEL_FILE } from "./model_files.ts";

/** The run's resolved configuration. */
export const CONFIG_FILE = "config.json";
/** The graph spec the run was built from. */
export const SPEC_FILE = "spec.json";
/** One JSON record per finished epoch. */
export const METRICS_FILE = "metrics.jsonl";
/** The same records as flat CSV rows. */
export const METRICS_CSV_FILE = "metrics.csv";
/** Folder of a run's best model (by mean validation accuracy). */
export const BEST_DIR = "best";
/** What `best/` records next to the model. */
export const BEST_INFO_FILE = "best.json";
/** Folder of the checkpoints. */
export const CHECKPOINTS_DIR = "checkpoints";
/** File in `checkpoints/` naming the newest complete checkpoint. */
export const LATEST_FILE = "latest";
/** A checkpoint's loop position and optimizer manifest; its presence marks the checkpoint complete. */
export const STATE_FILE = "state.json";
/** A checkpoint's optimizer moments. */
export const OPTIMIZER_FILE = "optimizer.bin";

/** Folder name of the checkpoint after `step` steps. */
export function checkpointName(step: number): string {
  return `step-${String(step).padStart(8, "0")}`;
}

/** The newest complete checkpoint directory of a run, or null when it has none. */
export async function latestCheckpoint(runDir: string): Promise<string | null> {
  const root = join(runDir, CHECKPOINTS_DIR);
  try {
    const name = (await Deno.readTextFile(join(root, LATEST_FILE))).trim();
    if (/^step-\d+$/.test(name)) {
      await Deno.stat(join(root, name, STATE_FILE));
      return join(root, name);
    }
  } catch {
    // fall through: pick the highest complete step directory
  }
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(root)) {
      if (e.isDirectory && /^step-\d+$/.test(e.name)) names.push(e.name);
    }
  } catch {
    return null;
  }
  for (const name of names.sort().reverse()) {
    if (await exists(join(root, name, STATE_FILE))) return join(root, name);
  }
  return null;
}

/** Which weights of a run to use. */
export type RunWeights = "best" | "last";

/** The model.json of a run's `best/` or latest checkpoint (best falls back to last when absent). */
export async function runModelPath(runDir: string, which: RunWeights): Promise<string> {
  const best = join(runDir, BEST_DIR, MODEL_FILE);
  if (which === "best" && (await exists(best))) return best;
  const ckpt = await latestCheckpoint(runDir);
  if (ckpt) return join(ckpt, MODEL_FILE);
  throw new UserError(runDir, "the run has no trained model yet (no best/ and no checkpoint)");
}
