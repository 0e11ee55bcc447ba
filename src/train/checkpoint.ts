/**
 * Checkpoints of a run: `checkpoints/step-NNNNNNNN/` holding the model in tfjs format (model.json +
 * weights.bin, batch-norm moving statistics included), the optimizer state (optimizer.bin) and the
 * loop position (state.json). Each is written to a temporary directory and renamed into place, then
 * `checkpoints/latest` is pointed at it and older ones are removed, so a run killed at any moment
 * (SIGKILL included) leaves a complete checkpoint to resume from.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";
import { dirSaveHandler, fileLoadHandler, MODEL_FILE, replaceDir } from "./io_handler.ts";
import { type OptimizerState, restoreOptimizerState, saveOptimizerState } from "./optimizer.ts";

/** Running sums of the epoch in progress, so a resumed epoch reports what an uninterrupted one would. */
export interface EpochSums {
  lossSums: number[];
  correct: number[];
  /** Σ of the batches' total (λ-weighted) losses × their sizes. */
  weightedLoss: number;
  count: number;
  /** Seconds spent on this epoch's steps so far. */
  seconds: number;
}

/** Where the loop stands: enough to continue exactly. */
export interface LoopState {
  /** Optimizer steps done. */
  step: number;
  /** 1-based epoch in progress (or about to start). */
  epoch: number;
  /** Next batch index within `epoch` (0: the epoch has not started). */
  batch: number;
  seed: number;
  sums: EpochSums;
  /** Best mean validation accuracy so far and its epoch. */
  best: { epoch: number; meanAccuracy: number } | null;
}

/** state.json of a checkpoint. */
interface StateFile {
  version: 1;
  savedAt: string;
  loop: LoopState;
  optimizer: { specs: tf.io.WeightsManifestEntry[]; accBeta: [number, number] };
}

const CHECKPOINTS = "checkpoints";
const LATEST = "latest";
const OPTIMIZER_FILE = "optimizer.bin";
const STATE_FILE = "state.json";

/** Empty running sums for `heads` heads. */
export function emptySums(heads: number): EpochSums {
  return {
    lossSums: new Array(heads).fill(0),
    correct: new Array(heads).fill(0),
    weightedLoss: 0,
    count: 0,
    seconds: 0,
  };
}

/** Folder name of the checkpoint after `step` steps. */
export function checkpointName(step: number): string {
  return `step-${String(step).padStart(8, "0")}`;
}

/** Writes a checkpoint of `model`, `optimizer` and `loop` into `runDir`; returns its directory. */
export async function saveCheckpoint(
  runDir: string,
  model: tf.LayersModel,
  optimizer: tf.AdamOptimizer,
  loop: LoopState,
): Promise<string> {
  const root = join(runDir, CHECKPOINTS);
  const name = checkpointName(loop.step);
  const dir = join(root, name);
  const opt = await saveOptimizerState(optimizer);
  await replaceDir(dir, async (tmp) => {
    await model.save(dirSaveHandler(tmp));
    await Deno.writeFile(join(tmp, OPTIMIZER_FILE), opt.data);
    const state: StateFile = {
      version: 1,
      savedAt: new Date().toISOString(),
      loop,
      optimizer: { specs: opt.specs, accBeta: opt.accBeta },
    };
    await Deno.writeTextFile(join(tmp, STATE_FILE), JSON.stringify(state, null, 1));
  });
  await writeFileAtomic(join(root, LATEST), name + "\n");
  for await (const e of Deno.readDir(root)) {
    // Older checkpoints, and temporary directories of writes a killed process left behind.
    const stale = /^step-\d+$/.test(e.name) ? e.name !== name : /^\.step-\d+\.(tmp|old)-/.test(e.name);
    if (e.isDirectory && stale) await Deno.remove(join(root, e.name), { recursive: true });
  }
  return dir;
}

/** The newest complete checkpoint directory of a run, or null when it has none. */
export async function latestCheckpoint(runDir: string): Promise<string | null> {
  const root = join(runDir, CHECKPOINTS);
  try {
    const name = (await Deno.readTextFile(join(root, LATEST))).trim();
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
    try {
      await Deno.stat(join(root, name, STATE_FILE));
      return join(root, name);
    } catch {
      // incomplete: skip
    }
  }
  return null;
}

/** Reads a checkpoint's loop state. */
export async function readLoopState(checkpointDir: string): Promise<LoopState> {
  return (JSON.parse(await Deno.readTextFile(join(checkpointDir, STATE_FILE))) as StateFile).loop;
}

/**
 * Loads a checkpoint into an already built `model` (same graph) and `optimizer`; returns the loop
 * state to continue from.
 */
export async function restoreCheckpoint(
  checkpointDir: string,
  model: tf.LayersModel,
  optimizer: tf.AdamOptimizer,
): Promise<LoopState> {
  const state = JSON.parse(await Deno.readTextFile(join(checkpointDir, STATE_FILE))) as StateFile;
  if (state.version !== 1) throw new UserError(checkpointDir, `unknown checkpoint version ${state.version}`);
  const artifacts = await fileLoadHandler(join(checkpointDir, MODEL_FILE)).load!();
  const weights = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  try {
    const missing = model.weights.filter((w) => !(w.originalName in weights)).map((w) => w.originalName);
    if (missing.length) {
      throw new UserError(
        checkpointDir,
        `checkpoint lacks ${missing.length} weights of the model (${missing[0]}, …)`,
      );
    }
    model.setWeights(model.weights.map((w) => weights[w.originalName]));
  } finally {
    Object.values(weights).forEach((t) => t.dispose());
  }
  const data = await Deno.readFile(join(checkpointDir, OPTIMIZER_FILE));
  const opt: OptimizerState = { data, specs: state.optimizer.specs, accBeta: state.optimizer.accBeta };
  await restoreOptimizerState(optimizer, opt);
  return state.loop;
}

/** What `best/best.json` records next to the best model. */
export interface BestInfo {
  epoch: number;
  step: number;
  meanValAccuracy: number;
  valAccuracy: Record<string, number>;
}

/** Folder of a run's best model (by mean validation accuracy). */
export const BEST_DIR = "best";

/** Replaces `<runDir>/best/` with `model` and `best.json`. */
export async function saveBest(runDir: string, model: tf.LayersModel, info: BestInfo): Promise<void> {
  await replaceDir(join(runDir, BEST_DIR), async (tmp) => {
    await model.save(dirSaveHandler(tmp));
    await Deno.writeTextFile(join(tmp, "best.json"), JSON.stringify(info, null, 2) + "\n");
  });
}
