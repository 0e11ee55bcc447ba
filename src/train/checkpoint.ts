/**
 * Checkpoints of a run: `checkpoints/step-NNNNNNNN/` holding the model in tfjs format (model.json +
 * weights.bin, batch-norm moving statistics included), the optimizer state (optimizer.bin) and the
 * loop position (state.json). Each is written to a temporary directory and renamed into place, then
 * `checkpoints/latest` is pointed at it and older ones are removed, so a run killed at any moment
 * (SIGKILL included) leaves a complete checkpoint to resume from. state.json is parsed on read.
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
} from "../run/mod.ts";
import { describeIssue, issuePath } from "../schema/mod.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";
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
  });
  await writeFileAtomic(join(root, LATEST_FILE), name + "\n");
  for await (const e of Deno.readDir(root)) {
    // Older checkpoints, and temporary directories of writes a killed process left behind.
    const stale = /^step-\d+$/.test(e.name) ? e.name !== name : /^\.step-\d+\.(tmp|old)-/.test(e.name);
    if (e.isDirectory && stale) await Deno.remove(join(root, e.name), { recursive: true });
  }
  return dir;
}

/** Reads and checks a checkpoint's state.json; a problem is one line naming the file and field. */
async function readStateFile(checkpointDir: string): Promise<StateFile> {
  const path = join(checkpointDir, STATE_FILE);
  const json = parseJson(await Deno.readTextFile(path), path);
  const version = (json as { version?: unknown })?.version;
  if (version !== 1) throw new UserError(checkpointDir, `unknown checkpoint version ${version}`);
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
): Promise<LoopState> {
  const state = await readStateFile(checkpointDir);
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

/** Replaces `<runDir>/best/` with `model` and `best.json`. */
export async function saveBest(runDir: string, model: tf.LayersModel, info: BestInfo): Promise<void> {
  await replaceDir(join(runDir, BEST_DIR), async (tmp) => {
    await model.save(dirSaveHandler(tmp));
    await Deno.writeTextFile(join(tmp, BEST_INFO_FILE), JSON.stringify(info, null, 2) + "\n");
  });
}
