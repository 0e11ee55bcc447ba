/**
 * Getting a run ready: a new run (compile the graph at the input size, seeded initial weights,
 * optional warm start, config.json and spec.json written) or a resumed one (config.json read back,
 * the model built from the stored spec, the latest checkpoint restored, metrics.jsonl cut back to
 * it), plus its training and validation images.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { type Compiled, compileFile } from "../compiler/mod.ts";
import { lowerToModel } from "../compiler/lower.ts";
import type { ImageSource } from "../data/mod.ts";
import {
  BEST_DIR,
  defaultPreprocessing,
  type EpochRecord,
  latestCheckpoint,
  loadRunSplits,
  newRunDir,
  readRunConfig,
  recoverDir,
  type RunConfig,
  runGraph,
  type SplitProgress,
  type TrainConfig,
  truncateMetrics,
  writeRunConfig,
  writeRunSpec,
} from "../run/mod.ts";
import { UserError } from "../util/errors.ts";
import { restoreCheckpoint } from "./checkpoint.ts";
import type { LoopState } from "./loop_state.ts";
import { createOptimizer } from "./optimizer.ts";
import { resolveProtocol, type TrainOverrides } from "./protocol.ts";
import { withSeededRandom } from "./rng.ts";
import { formatWarmStart, warmStart } from "./warm_start.ts";

/** Flags of a new run. */
export interface NewRunOptions {
  graph: string;
  data: string;
  runsDir: string;
  runId?: string;
  inputSize?: number;
  overrides: TrainOverrides;
  /** Micro-batch, or a function choosing it for the model and input size when not given. */
  microBatch: number | ((ir: Compiled["ir"], batchSize: number) => number);
  seed: number;
  checkpointEvery: number;
  backend: string;
  initFrom?: string;
  /** With `initFrom`: train only these layers for the first epochs (recorded as `config.warmup`). */
  warmup?: RunConfig["warmup"];
  skipBad: boolean;
  command: string[];
}

/** A run ready for `runTraining`. */
export interface PreparedRun {
  runDir: string;
  config: RunConfig;
  model: tf.LayersModel;
  optimizer: tf.AdamOptimizer;
  start?: LoopState;
  history: EpochRecord[];
  /** Lines worth printing (warm-start counts, resume point). */
  notes: string[];
}

/** Builds the model of a compiled graph with initial weights drawn from `seed`. */
export function buildSeededModel(ir: Compiled["ir"], seed: number): tf.LayersModel {
  return withSeededRandom(seed, () => lowerToModel(ir));
}

/** Creates the run directory (config.json, spec.json), model and optimizer of a new run. */
export async function prepareNewRun(o: NewRunOptions): Promise<PreparedRun> {
  const { ir, spec } = await compileFile(o.graph, o.inputSize ? { inputSize: o.inputSize } : {});
  const protocol = resolveProtocol(ir, spec.training, o.overrides);
  const microBatch = Math.min(
    protocol.batchSize,
    typeof o.microBatch === "number" ? o.microBatch : o.microBatch(ir, protocol.batchSize),
  );
  const model = buildSeededModel(ir, o.seed);
  const notes: string[] = [];
  if (o.initFrom) {
    const report = await warmStart(model, o.initFrom, ir.heads.map((h) => h.name));
    notes.push(formatWarmStart(report));
  }
  const runDir = await newRunDir(o.runsDir, ir.name, o.runId);
  const config: RunConfig = {
    graph: o.graph,
    graphName: ir.name,
    data: o.data,
    skipBad: o.skipBad,
    inputSize: ir.input[0],
    ...protocol,
    microBatch,
    seed: o.seed,
    checkpointEvery: o.checkpointEvery,
    backend: o.backend,
    ...(o.initFrom ? { initFrom: o.initFrom } : {}),
    ...(o.warmup ? { warmup: o.warmup } : {}),
    preprocessing: defaultPreprocessing(ir.input[0]),
    createdAt: new Date().toISOString(),
    command: o.command,
  };
  // The spec at the run's input size: what resume, eval and export rebuild the model from.
  await writeRunSpec(runDir, { ...spec, input: [ir.input[0], ir.input[1], ir.input[2]] });
  await writeRunConfig(runDir, config);
  return { runDir, config, model, optimizer: createOptimizer(config), history: [], notes };
}

/**
 * Reopens a run for `--resume`: same graph (its stored spec; the graph file is not read again) and
 * configuration (only `epochs` may grow), weights, optimizer and loop position from the latest
 * checkpoint.
 */
export async function prepareResume(runDir: string, epochs?: number): Promise<PreparedRun> {
  const stored = await readRunConfig(runDir);
  await recoverDir(join(runDir, BEST_DIR));
  const ckpt = await latestCheckpoint(runDir);
  if (!ckpt) {
    throw new UserError(runDir, "no checkpoint to resume from (the run stopped before its first one)");
  }
  const { ir, fromSpec } = await runGraph(runDir, stored);
  const model = lowerToModel(ir);
  const optimizer = createOptimizer(stored);
  const start = await restoreCheckpoint(ckpt, model, optimizer);
  const config: RunConfig = { ...stored };
  if (epochs !== undefined && epochs !== stored.epochs) {
    config.epochs = epochs;
    await writeRunConfig(runDir, config);
  }
  const history = await truncateMetrics(runDir, start.epoch);
  const where = start.batch
    ? `epoch ${start.epoch}, batch ${start.batch}`
    : `the start of epoch ${start.epoch}`;
  const notes = [`resuming ${runDir} from ${ckpt} (step ${start.step}, ${where})`];
  if (!fromSpec) {
    notes.push(`note: the run has no spec.json (made by an older version); rebuilt from ${stored.graph}`);
  }
  return { runDir, config, model, optimizer, start, history, notes };
}

/**
 * The train and validation images of a run's dataset at its input size (decoded once, then cached),
 * in memory up to `dataMemory` bytes (default 2 GiB), streamed from the cache beyond it.
 */
export async function loadRunData(
  config: Pick<TrainConfig, "data" | "heads" | "skipBad" | "preprocessing">,
  cacheDir: string,
  log: (line: string) => void = () => {},
  progress?: SplitProgress,
  dataMemory?: number,
): Promise<{ train: ImageSource; val: ImageSource }> {
  const sets = await loadRunSplits(config, ["train", "val"], {
    cacheDir,
    log,
    onProgress: progress,
    dataMemory,
  });
  const size = config.preprocessing.size;
  log(`data ${config.data}: ${sets.train.count} train, ${sets.val.count} val images at ${size}×${size}`);
  return sets;
}
