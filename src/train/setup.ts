/**
 * Getting a new run ready — compile the graph at the input size, seeded initial weights, optional
 * warm start, the run directory made and locked, config.json and spec.json written — plus a run's
 * training and validation images. Resuming is in resume.ts.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { type Compiled, compileFile } from "../compiler/mod.ts";
import { lowerToModel } from "../compiler/lower.ts";
import type { ImageSource } from "../data/mod.ts";
import {
  checkRunId,
  DEFAULT_GUARD,
  defaultPreprocessing,
  type EpochRecord,
  type GuardConfig,
  loadRunSplits,
  lockRun,
  newRunDir,
  type RunConfig,
  type RunLock,
  type SplitProgress,
  type TrainConfig,
  writeRunConfig,
  writeRunSpec,
} from "../run/mod.ts";
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
  /** Divergence limits (default {@link DEFAULT_GUARD}). */
  guard?: Partial<GuardConfig>;
}

/** A run ready for `runTraining`. */
export interface PreparedRun {
  runDir: string;
  config: RunConfig;
  model: tf.LayersModel;
  optimizer: tf.AdamOptimizer;
  start?: LoopState;
  /** The checkpoint `start` was restored from. */
  checkpoint?: string | null;
  history: EpochRecord[];
  /** Lines worth printing (warm-start counts, resume point). */
  notes: string[];
  /** The run directory's lock, held by this process until training ends (release it when done). */
  lock: RunLock;
}

/** Builds the model of a compiled graph with initial weights drawn from `seed`. */
export function buildSeededModel(ir: Compiled["ir"], seed: number): tf.LayersModel {
  return withSeededRandom(seed, () => lowerToModel(ir));
}

/**
 * Creates the run directory (locked, with config.json and spec.json), model and optimizer of a new
 * run. Everything the user gave is checked before the directory is made.
 */
export async function prepareNewRun(o: NewRunOptions): Promise<PreparedRun> {
  if (o.runId !== undefined) checkRunId(o.runId);
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
  const lock = await lockRun(runDir, o.command.join(" "));
  try {
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
      guard: {
        maxGradNorm: o.guard?.maxGradNorm ?? DEFAULT_GUARD.maxGradNorm,
        maxWeight: o.guard?.maxWeight ?? DEFAULT_GUARD.maxWeight,
      },
      createdAt: new Date().toISOString(),
      command: o.command,
    };
    // The spec at the run's input size: what resume, eval and export rebuild the model from.
    await writeRunSpec(runDir, { ...spec, input: [ir.input[0], ir.input[1], ir.input[2]] });
    await writeRunConfig(runDir, config);
    return {
      runDir,
      config,
      model,
      optimizer: createOptimizer(config),
      history: [],
      notes,
      lock,
      checkpoint: null,
    };
  } catch (e) {
    lock.release();
    throw e;
  }
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
