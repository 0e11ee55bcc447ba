/**
 * The training loop: epochs of deterministic batches, one optimizer step per batch (`trainStep`,
 * micro-batched), a stop with a clear message when the divergence guard trips (guard.ts: a NaN/∞
 * loss, an exploding gradient, a saturated network, runaway weights), and hooks after each step and
 * at each epoch end (by default: validation and metrics.jsonl, `best/`, checkpoints, curves; see
 * hooks.ts).
 * The run's loss weighting (loss_weighting.ts) gives each step its objective, and a warm-up
 * (`config.warmup`) trains only the named layers for the first epochs.
 *
 * Everything a step computes is a function of the checkpointed state (weights, optimizer, loop
 * position, seed), so a run resumed from any checkpoint reproduces the uninterrupted run exactly.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { batchCount, BatchFeed, type FeedOptions, type ImageSource } from "../data/mod.ts";
import type { TrainConfig } from "../run/config.ts";
import { type EpochRecord, latestCheckpoint } from "../run/mod.ts";
import { EpochProgress, type ProgressSink, stdoutSink } from "../util/progress.ts";
import { DivergenceError } from "./guard.ts";
import { defaultHooks, type EpochEnd, type LoopContext, type LoopHook } from "./hooks.ts";
import { emptySums, type EpochSums, type LoopState } from "./loop_state.ts";
import { setLearningRate } from "./optimizer.ts";
import { lrAt } from "./protocol.ts";
import { deriveSeed } from "./rng.ts";
import { createLossWeighter, type LossWeighter } from "./loss_weighting.ts";
import { type StepBatch, trainStep } from "./step.ts";

/** What the loop needs. */
export interface LoopOptions {
  runDir: string;
  config: TrainConfig;
  model: tf.LayersModel;
  optimizer: tf.AdamOptimizer;
  train: ImageSource;
  val: ImageSource;
  /** How training batches are prepared (default: batch workers where they pay; see `BatchFeed`). */
  feed?: FeedOptions;
  /** Where to continue from (a restored checkpoint); default: the start. */
  start?: LoopState;
  /** The checkpoint `start` was restored from (default: the run's newest intact one). */
  checkpoint?: string | null;
  /** Records of epochs before `start.epoch` (from metrics.jsonl), for the curves. */
  history?: EpochRecord[];
  /** Progress output (default stdout). */
  sink?: ProgressSink;
  /** Draw curves.svg/png after each epoch (default true; ignored when `hooks` are given). */
  curves?: boolean;
  /** What runs after each step and epoch (default: {@link defaultHooks}). */
  hooks?: LoopHook[];
  /** Stop (without saving) once this many optimizer steps are done: simulates a kill in tests. */
  stopAfterSteps?: number;
  /** Called after each finite step, before any checkpoint (tests use it to inject faults). */
  afterStep?: (state: LoopState) => void;
}

/** How the loop ended. */
export interface LoopResult {
  status: "done" | "stopped";
  state: LoopState;
  records: EpochRecord[];
}

/** Running loss and accuracy per head, for the progress bar. */
const runningHeads = (names: string[], s: EpochSums) =>
  Object.fromEntries(
    names.map((n, i) => [n, { loss: s.lossSums[i] / s.count, accuracy: s.correct[i] / s.count }]),
  );

/** Runs (or continues) training to the configured number of epochs. */
export async function runTraining(o: LoopOptions): Promise<LoopResult> {
  // Batches are prepared ahead (on workers where it pays) while a step runs: the same bytes as in memory.
  const feed = new BatchFeed(o.train, o.feed);
  const weighter = createLossWeighter(
    o.config.lossWeighting ?? "fixed",
    o.config.heads,
    o.start?.logVariance,
  );
  try {
    return await trainEpochs(o, feed, weighter);
  } finally {
    weighter.dispose();
    feed.close();
  }
}

/**
 * Names of the model's variables in `layers` (the warm-up's new layers). tfjs may suffix a variable's
 * name when another model in the process has the same one, so names are read from the model.
 */
function variablesOfLayers(model: tf.LayersModel, layers: readonly string[]): Set<string> {
  const owned = (name: string) => layers.some((l) => name.startsWith(`${l}/`));
  return new Set(
    model.trainableWeights.filter((w) => owned(w.originalName)).map((w) => (w.read() as tf.Variable).name),
  );
}

async function trainEpochs(o: LoopOptions, feed: BatchFeed, weighter: LossWeighter): Promise<LoopResult> {
  const cfg = o.config;
  const names = cfg.heads.map((h) => h.name);
  const sink = o.sink ?? stdoutSink();
  const hooks = o.hooks ?? defaultHooks({ curves: o.curves });
  const nb = batchCount(o.train.count, cfg.batchSize);
  const shiftPx = Math.round(cfg.augment.shift * o.train.size);
  const warmup = cfg.warmup &&
    { epochs: cfg.warmup.epochs, updates: variablesOfLayers(o.model, cfg.warmup.layers) };
  // The loop state carries what the weighter must resume with (uncertainty's log-variances).
  const weighting = async () => {
    const logVariance = await weighter.logVariance();
    return logVariance ? { logVariance } : {};
  };
  let state: LoopState = o.start ??
    { step: 0, epoch: 1, batch: 0, seed: cfg.seed, sums: emptySums(names.length), best: null };
  const ctx: LoopContext = {
    runDir: o.runDir,
    config: cfg,
    model: o.model,
    optimizer: o.optimizer,
    val: o.val,
    batchesPerEpoch: nb,
    records: [...(o.history ?? [])],
    lastCheckpoint: o.checkpoint !== undefined
      ? o.checkpoint
      : o.start
      ? await latestCheckpoint(o.runDir)
      : null,
    progress: new EpochProgress("", nb, sink),
  };

  for (let epoch = state.epoch; epoch <= cfg.epochs; epoch++) {
    const lr = lrAt(cfg, epoch);
    setLearningRate(o.optimizer, lr);
    const progress = ctx.progress = new EpochProgress(`epoch ${epoch}/${cfg.epochs}`, nb, sink);
    weighter.startEpoch(ctx.records);
    const stepOptions = {
      objective: weighter.objective,
      extraVariables: weighter.variables,
      updates: warmup && epoch <= warmup.epochs ? warmup.updates : undefined,
    };
    const sums = state.sums;
    const stream = feed.epoch({
      batchSize: cfg.batchSize,
      shuffle: true,
      seed: cfg.seed,
      epoch,
      augment: { flip: cfg.augment.flip, shift: shiftPx },
      startBatch: state.batch,
    });
    for await (const b of stream) {
      const t0 = performance.now();
      const r = await trainStep(
        o.model,
        o.optimizer,
        cfg.heads,
        b as StepBatch,
        cfg.microBatch,
        deriveSeed(cfg.seed, epoch, b.index),
        { ...stepOptions, ...(cfg.guard ? { limits: cfg.guard } : {}) },
      );
      feed.recycle(b); // the step's tensors are gone: the next batch may be written into b.x
      if (r.divergence) {
        if (!r.finite) {
          progress.log(
            `non-finite loss per head: ${names.map((n, i) => `${n} ${r.lossSums[i]}`).join(", ")}`,
          );
        }
        throw new DivergenceError({
          runDir: o.runDir,
          divergence: r.divergence,
          epoch,
          step: state.step,
          checkpoint: ctx.lastCheckpoint,
          lr,
          // No step since the restore: its gradient came from the checkpoint's own weights.
          checkpointUnusable: r.divergence.cause !== "weights" && o.start !== undefined &&
            state.step === o.start.step,
        });
      }
      sums.seconds += (performance.now() - t0) / 1000;
      sums.weightedLoss += r.loss * r.count;
      sums.count += r.count;
      names.forEach((_, i) => {
        sums.lossSums[i] += r.lossSums[i];
        sums.correct[i] += r.correct[i];
      });
      state = { ...state, step: state.step + 1, epoch, batch: b.index + 1, sums, ...(await weighting()) };
      o.afterStep?.(state);
      progress.update(state.batch, {
        imagesPerSecond: sums.count / Math.max(sums.seconds, 1e-9),
        loss: sums.weightedLoss / sums.count,
        heads: runningHeads(names, sums),
        etaSeconds: ((o.train.count - (state.batch * cfg.batchSize)) / sums.count) * sums.seconds,
      });
      if (o.stopAfterSteps !== undefined && state.step >= o.stopAfterSteps) {
        return { status: "stopped", state, records: ctx.records };
      }
      for (const hook of hooks) await hook.onStepEnd?.(ctx, state);
    }

    const next: LoopState = {
      step: state.step,
      epoch: epoch + 1,
      batch: 0,
      seed: cfg.seed,
      sums: emptySums(names.length),
      best: state.best,
      ...(await weighting()),
    };
    const byHead = (values: number[]) => Object.fromEntries(names.map((n, i) => [n, values[i]]));
    const logVariance = await weighter.logVariance();
    const end: EpochEnd = {
      epoch,
      lr,
      sums,
      state: next,
      lossWeights: byHead(await weighter.weights()),
      ...(logVariance ? { logVariance: byHead(logVariance) } : {}),
    };
    for (const hook of hooks) await hook.onEpochEnd?.(ctx, end);
    state = end.state;
    progress.finish(
      end.record
        ? epochSummary(end.record, cfg.epochs, state.best?.epoch === epoch)
        : `epoch ${epoch}/${cfg.epochs}  loss ${(sums.weightedLoss / sums.count).toFixed(4)}`,
    );
  }
  return { status: "done", state, records: ctx.records };
}

/** The one line an epoch leaves in the log. */
export function epochSummary(r: EpochRecord, epochs: number, isBest: boolean): string {
  const heads = Object.keys(r.trainAccuracy).map((h) =>
    `${h} ${r.headLoss[h].toFixed(3)}/${(100 * r.trainAccuracy[h]).toFixed(1)}% val ${
      (100 * r.valAccuracy[h]).toFixed(1)
    }%`
  );
  return [
    `epoch ${r.epoch}/${epochs}`,
    `loss ${r.loss.toFixed(4)}`,
    ...heads,
    `mean val ${(100 * r.meanValAccuracy).toFixed(2)}%${isBest ? " (best)" : ""}`,
    `lr ${r.lr}`,
    `${r.imagesPerSecond.toFixed(1)} img/s`,
    `${r.seconds.toFixed(1)} s`,
  ].join("  ");
}
