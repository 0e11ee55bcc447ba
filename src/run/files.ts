/**
 * The files of a run directory, `runs/<graph>/<id>/`, and finding its models:
 *
 * ```
 * config.json        the resolved configuration (src/run/config.ts), preprocessing included
 * spec.json          the graph spec as the compiler loaded it, at the run's input size
 * metrics.jsonl      one record per finished epoch
 * metrics.csv        the same, one flat row per epoch
 * best/              model.json + weights.bin of the best epoch (by mean validation accuracy), best.json,
 *                    manifest.json
 * checkpoints/       step-NNNNNNNN/ (model, optimizer.bin, state.json, manifest.json), the newest two,
 *                    and `latest` naming the newest
 * .lock              held by the process training the run (see run_lock.ts)
 * .mtl-graph         marks the folder as made by this project
 * curves.svg/.png    loss and accuracy per head per epoch
 * ```
 *
 * @module
 */
import { join } from "node:path";

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
/** Held (flock) by the process training the run; see run_lock.ts. */
export const LOCK_FILE = ".lock";
/** Folder of the checkpoints. */
export const CHECKPOINTS_DIR = "checkpoints";
/** File in `checkpoints/` naming the newest checkpoint written (for people; readers pick the newest complete one). */
export const LATEST_FILE = "latest";
/** A checkpoint's loop position and optimizer manifest; its presence marks the checkpoint complete. */
export const STATE_FILE = "state.json";
/** A checkpoint's optimizer moments. */
export const OPTIMIZER_FILE = "optimizer.bin";

/** Folder name of the checkpoint after `step` steps. */
export function checkpointName(step: number): string {
  return `step-${String(step).padStart(8, "0")}`;
}

/** The step checkpoint folders of a run (`checkpoints/step-N`), newest first; none when it has none. */
export async function checkpointDirs(runDir: string): Promise<string[]> {
  const root = join(runDir, CHECKPOINTS_DIR);
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(root)) {
      if (e.isDirectory && /^step-\d+$/.test(e.name)) names.push(e.name);
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  const step = (name: string) => Number(name.slice(5));
  return names.sort((a, b) => step(b) - step(a)).map((n) => join(root, n));
}
