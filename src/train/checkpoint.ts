/**
 * Checkpoints of a run: `checkpoints/step-NNNNNNNN/` holding the model in tfjs format (model.json +
 * weights.bin, batch-norm moving statistics included), the optimizer state (optimizer.bin) and the
 * loop position (state.json), and last a manifest of their sizes and checksums. Each is written to a
 * temporary directory and renamed into place, then `checkpoints/latest` is pointed at it and all but
 * the newest two are removed, so a run killed at any moment (SIGKILL included) leaves a complete
 * checkpoint to resume from, and a damaged newest one leaves the one before it. state.json is parsed
 * on read, and a checkpoint that does not fit the model is one line naming the file.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { z } from "zod";
import { parseJson } from "../compiler/mod.ts";
import {
  BEST_DIR,
  BEST_INFO_FILE,
  checkpointName,
  CHECKPOINTS_DIR,
  dirSaveHandler,
  fileLoadHandler,
  LATEST_FILE,
  MODEL_FILE,
  OPTIMIZER_FILE,
  replaceDir,
  STATE_FILE,
  writeManifest,
} from "../run/mod.ts";
import { describeIssue, issuePath } from "../schema/mod.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { isUserError, UserError } from "../util/errors.ts";
import { quoted } from "../util/text.ts";
import { LoopState } from "./loop_state.ts";
import { type OptimizerState, restoreOptimizerState, saveOptimizerState } from "./optimizer.ts";

/** state.json of a checkpoint: the loop position and the optimizer's weight manifest. */
const StateFile = z.strictObject({
  version: z.literal(1),
  savedAt: z.string(),
  loop: LoopState,
  optimizer: z.strictObject({
    specs: z.array(
      z.looseObject({ name: z.string(), shape: z.array(z.number().int()), dtype: z.string() })
        .transform((e) => e as unknown as tf.io.WeightsManifestEntry),
    ),
    accBeta: z.tuple([z.number(), z.number()]),
  }),
});
type StateFile = z.infer<typeof StateFile>;

/** Writes a checkpoint of `model`, `optimizer` and `loop` into `runDir`; returns its directory. */
export async function saveCheckpoint(
  runDir: string,
  model: tf.LayersModel,
  optimizer: tf.AdamOptimizer,
  loop: LoopState,
): Promise<string> {
  const root = join(runDir, CHECKPOINTS_DIR);
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
    await writeManifest(tmp);
  });
  await writeFileAtomic(join(root, LATEST_FILE), name + "\n");
  await pruneCheckpoints(root, loop.step);
  return dir;
}

const stepOf = (name: string) => Number(name.slice(5));

/**
 * Keeps the checkpoint of step `newest` and the one before it (the fallback if the newest turns out
 * damaged); removes older ones and temporary directories a killed process left behind. Checkpoints
 * after `newest` (there are none in a healthy run) are left alone.
 */
async function pruneCheckpoints(root: string, newest: number): Promise<void> {
  const steps: string[] = [];
  const leftovers: string[] = [];
  for await (const e of Deno.readDir(root)) {
    if (!e.isDirectory) continue;
    if (/^step-\d+$/.test(e.name)) steps.push(e.name);
    else if (/^\.step-\d+\.(tmp|old)-/.test(e.name)) leftovers.push(e.name);
  }
  const older = steps.filter((n) => stepOf(n) < newest).sort((a, b) => stepOf(b) - stepOf(a));
  for (const name of [...older.slice(1), ...leftovers]) {
    await Deno.remove(join(root, name), { recursive: true });
  }
}

/** Reads and checks a checkpoint's state.json; a problem is one line naming the file and field. */
async function readStateFile(checkpointDir: string): Promise<StateFile> {
  const path = join(checkpointDir, STATE_FILE);
  const text = await Deno.readTextFile(path).catch((e) => {
    throw e instanceof Deno.errors.NotFound ? new UserError(path, "missing") : e;
  });
  const json = parseJson(text, path);
  const version = (json as { version?: unknown })?.version;
  if (version !== 1) {
    throw new UserError(checkpointDir, `unknown checkpoint version ${quoted(String(version))}`);
  }
  const parsed = StateFile.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new UserError(`${path}: ${issuePath(issue.path)}`, describeIssue(issue));
}

/** Reads a checkpoint's loop state. */
export async function readLoopState(checkpointDir: string): Promise<LoopState> {
  return (await readStateFile(checkpointDir)).loop;
}

/**
 * Loads a checkpoint into an already built `model` (same graph) and `optimizer`; returns the loop
 * state to continue from.
 */
export async function restoreCheckpoint(
  checkpointDir: string,
  model: tf.LayersModel,
  optimizer: tf.AdamOptimizer,
  /** Variables the optimizer trains besides the model's (a learned loss weighting's). */
  extraVariables = 0,
): Promise<LoopState> {
  const state = await readStateFile(checkpointDir);
  const modelPath = join(checkpointDir, MODEL_FILE);
  const artifacts = await fileLoadHandler(modelPath).load!();
  const weights = new Map(Object.entries(tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!)));
  try {
    const missing = model.weights.filter((w) => !weights.has(w.originalName)).map((w) => w.originalName);
    if (missing.length) {
      throw new UserError(
        checkpointDir,
        `checkpoint lacks ${missing.length} weights of the model (${missing[0]}, …)`,
      );
    }
    for (const w of model.weights) {
      const found = weights.get(w.originalName)!.shape;
      if (!tf.util.arraysEqual(found, w.shape as number[])) {
        throw new UserError(
          modelPath,
          `weight ${w.originalName} has shape [${found}] but the run's graph needs [${w.shape}]`,
        );
      }
    }
    model.setWeights(model.weights.map((w) => weights.get(w.originalName)!));
  } finally {
    weights.forEach((t) => t.dispose());
  }
  const optimizerPath = join(checkpointDir, OPTIMIZER_FILE);
  const data = await Deno.readFile(optimizerPath);
  const opt: OptimizerState = { data, specs: state.optimizer.specs, accBeta: state.optimizer.accBeta };
  const trained = model.trainableWeights.length + extraVariables;
  if (opt.specs.length !== 1 + 2 * trained) {
    throw new UserError(
      optimizerPath,
      `holds ${opt.specs.length} tensors where the model's Adam needs ${1 + 2 * trained}`,
    );
  }
  try {
    await restoreOptimizerState(optimizer, opt);
  } catch (e) {
    if (isUserError(e)) throw e;
    throw new UserError(
      optimizerPath,
      `cannot restore the optimizer: ${String((e as Error).message).split("\n")[0]}`,
    );
  }
  return state.loop;
}

/** What `best/best.json` records next to the best model. */
export interface BestInfo {
  epoch: number;
  step: number;
  meanValAccuracy: number;
  valAccuracy: Record<string, number>;
}

/** Replaces `<runDir>/best/` with `model` and `best.json`. */
export async function saveBest(runDir: string, model: tf.LayersModel, info: BestInfo): Promise<void> {
  await replaceDir(join(runDir, BEST_DIR), async (tmp) => {
    await model.save(dirSaveHandler(tmp));
    await Deno.writeTextFile(join(tmp, BEST_INFO_FILE), JSON.stringify(info, null, 2) + "\n");
    await writeManifest(tmp);
  });
}
