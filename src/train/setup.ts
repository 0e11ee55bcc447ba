/**
 * Getting a run ready: a new run (compile the graph at the input size, seeded initial weights,
 * optional warm start, resolved config.json) or a resumed one (config.json read back, the graph
 * recompiled, the latest checkpoint restored, metrics.jsonl cut back to it), plus its images.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { type Compiled, compileFile } from "../compiler/mod.ts";
import { lowerToModel } from "../compiler/lower.ts";
import { type ImageSet, loadImages, openDataset } from "../data/mod.ts";
import { UserError } from "../util/errors.ts";
import { join } from "node:path";
import { BEST_DIR, latestCheckpoint, type LoopState, restoreCheckpoint } from "./checkpoint.ts";
import { recoverDir } from "./io_handler.ts";
import { type HeadConfig, resolveProtocol, type TrainConfig, type TrainOverrides } from "./config.ts";
import { createOptimizer } from "./optimizer.ts";
import { withSeededRandom } from "./rng.ts";
import {
  type EpochRecord,
  newRunDir,
  readRunConfig,
  type RunConfig,
  truncateMetrics,
  writeRunConfig,
} from "./run_dir.ts";
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

/** Creates the run directory, model and optimizer of a new run. */
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
    createdAt: new Date().toISOString(),
    command: o.command,
  };
  await writeRunConfig(runDir, config);
  return { runDir, config, model, optimizer: createOptimizer(config), history: [], notes };
}

/**
 * Reopens a run for `--resume`: same graph and configuration (only `epochs` may grow), weights,
 * optimizer and loop position from the latest checkpoint.
 */
export async function prepareResume(runDir: string, epochs?: number): Promise<PreparedRun> {
  const stored = await readRunConfig(runDir);
  await recoverDir(join(runDir, BEST_DIR));
  const ckpt = await latestCheckpoint(runDir);
  if (!ckpt) {
    throw new UserError(runDir, "no checkpoint to resume from (the run stopped before its first one)");
  }
  const { ir } = await compileFile(stored.graph, { inputSize: stored.inputSize });
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
  return {
    runDir,
    config,
    model,
    optimizer,
    start,
    history,
    notes: [`resuming ${runDir} from ${ckpt} (step ${start.step}, ${where})`],
  };
}

/** Decoding progress of one split (see the data layer's `LoadProgress`). */
export type DecodeProgress = (split: "train" | "val", done: number, total: number, cached: boolean) => void;

/** The train and validation images of a run's dataset at its input size (decoded once, then cached). */
export async function loadRunData(
  config: Pick<TrainConfig, "data" | "heads" | "skipBad" | "inputSize">,
  cacheDir: string,
  log: (line: string) => void = () => {},
  progress?: DecodeProgress,
): Promise<{ train: ImageSet; val: ImageSet }> {
  const ds = await openDataset(config.data, headRequests(config.heads), { skipBad: config.skipBad });
  for (const n of ds.notes) log(n);
  if (ds.problems.length) {
    log(`skipped ${ds.problems.length} bad rows/images (first: ${ds.problems[0].where})`);
  }
  const pre = { size: config.inputSize, crop: "box" as const };
  const load = async (split: "train" | "val") => {
    const set = await loadImages(ds, split, pre, {
      cacheDir,
      onProgress: (p) => progress?.(split, p.done, p.total, p.cached),
    });
    if (set.decoded > 0) log(`decoded ${set.decoded} ${split} images (cached in ${cacheDir} for next time)`);
    return set;
  };
  const train = await load("train");
  const val = await load("val");
  log(
    `data ${config.data}: ${train.count} train, ${val.count} val images at ${config.inputSize}×${config.inputSize}`,
  );
  return { train, val };
}

/** What the data layer is asked for: each head's attribute and classes from the graph. */
export function headRequests(heads: readonly HeadConfig[]) {
  return heads.map((h) => ({
    head: h.name,
    ...(h.attribute ? { attribute: h.attribute } : {}),
    classes: h.classes,
  }));
}
