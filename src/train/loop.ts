/**
 * The training loop: epochs of deterministic batches, one optimizer step per batch (micro-batched),
 * validation at each epoch end, metrics.jsonl, checkpoints (every N steps and at each epoch end),
 * `best/` by mean validation accuracy, curves, and a stop with a clear message on a NaN/∞ loss.
 *
 * Everything a step computes is a function of the checkpointed state (weights, optimizer, loop
 * position, seed), so a run resumed from any checkpoint reproduces the uninterrupted run exactly.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { batchCount, batches, type ImageSet } from "../data/mod.ts";
import { evaluate } from "../eval/metrics.ts";
import { UserError } from "../util/errors.ts";
import { EpochProgress, type ProgressSink, stdoutSink } from "../util/progress.ts";
import {
  emptySums,
  type EpochSums,
  latestCheckpoint,
  type LoopState,
  saveBest,
  saveCheckpoint,
} from "./checkpoint.ts";
import { lrAt, type TrainConfig } from "./config.ts";
import { writeCurves } from "./curves.ts";
import { setLearningRate } from "./optimizer.ts";
import { deriveSeed } from "./rng.ts";
import { appendMetrics, type EpochRecord } from "./run_dir.ts";
import { type StepBatch, trainStep } from "./step.ts";

/** A NaN or infinite loss: the run stops, its last checkpoint is the last good state. */
export class NonFiniteLossError extends UserError {
  constructor(
    readonly runDir: string,
    readonly epoch: number,
    readonly step: number,
    readonly checkpoint: string | null,
  ) {
    super(
      runDir,
      `loss became NaN/infinite in epoch ${epoch} at step ${step + 1}; stopped without saving it. ` +
        (checkpoint
          ? `Last good checkpoint: ${checkpoint} (continue with --resume ${runDir}, perhaps after lowering --lr)`
          : "No checkpoint was written yet (lower --lr and start again)"),
    );
  }
}

/** What the loop needs. */
export interface LoopOptions {
  runDir: string;
  config: TrainConfig;
  model: tf.LayersModel;
  optimizer: tf.AdamOptimizer;
  train: ImageSet;
  val: ImageSet;
  /** Where to continue from (a restored checkpoint); default: the start. */
  start?: LoopState;
  /** Records of epochs before `start.epoch` (from metrics.jsonl), for the curves. */
  history?: EpochRecord[];
  /** Progress output (default stdout). */
  sink?: ProgressSink;
  /** Draw curves.svg/png after each epoch (default true). */
  curves?: boolean;
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

const perHead = (names: string[], f: (i: number) => number) =>
  Object.fromEntries(names.map((n, i) => [n, f(i)]));

/** Running loss and accuracy per head, for the progress bar. */
const runningHeads = (names: string[], s: EpochSums) =>
  Object.fromEntries(
    names.map((n, i) => [n, { loss: s.lossSums[i] / s.count, accuracy: s.correct[i] / s.count }]),
  );

/** Runs (or continues) training to the configured number of epochs. */
export async function runTraining(o: LoopOptions): Promise<LoopResult> {
  const cfg = o.config;
  const names = cfg.heads.map((h) => h.name);
  const sink = o.sink ?? stdoutSink();
  const records = [...(o.history ?? [])];
  const nb = batchCount(o.train.count, cfg.batchSize);
  const shiftPx = Math.round(cfg.augment.shift * o.train.size);
  let state: LoopState = o.start ??
    { step: 0, epoch: 1, batch: 0, seed: cfg.seed, sums: emptySums(names.length), best: null };
  let lastCheckpoint = await latestCheckpoint(o.runDir);
  let curvesFailed = false;

  for (let epoch = state.epoch; epoch <= cfg.epochs; epoch++) {
    const lr = lrAt(cfg, epoch);
    setLearningRate(o.optimizer, lr);
    const progress = new EpochProgress(`epoch ${epoch}/${cfg.epochs}`, nb, sink);
    const sums = state.sums;
    const stream = batches(o.train, {
      batchSize: cfg.batchSize,
      shuffle: true,
      seed: cfg.seed,
      epoch,
      augment: { flip: cfg.augment.flip, shift: shiftPx },
      startBatch: state.batch,
    });
    for (const b of stream) {
      const t0 = performance.now();
      const r = trainStep(
        o.model,
        o.optimizer,
        cfg.heads,
        b as StepBatch,
        cfg.microBatch,
        deriveSeed(cfg.seed, epoch, b.index),
      );
      if (!r.finite) {
        progress.log(`non-finite loss per head: ${names.map((n, i) => `${n} ${r.lossSums[i]}`).join(", ")}`);
        throw new NonFiniteLossError(o.runDir, epoch, state.step, lastCheckpoint);
      }
      sums.seconds += (performance.now() - t0) / 1000;
      sums.weightedLoss += r.loss * r.count;
      sums.count += r.count;
      names.forEach((_, i) => {
        sums.lossSums[i] += r.lossSums[i];
        sums.correct[i] += r.correct[i];
      });
      state = { ...state, step: state.step + 1, epoch, batch: b.index + 1, sums };
      o.afterStep?.(state);
      progress.update(state.batch, {
        imagesPerSecond: sums.count / Math.max(sums.seconds, 1e-9),
        loss: sums.weightedLoss / sums.count,
        heads: runningHeads(names, sums),
        etaSeconds: ((o.train.count - (state.batch * cfg.batchSize)) / sums.count) * sums.seconds,
      });
      if (o.stopAfterSteps !== undefined && state.step >= o.stopAfterSteps) {
        return { status: "stopped", state, records };
      }
      if (cfg.checkpointEvery > 0 && state.step % cfg.checkpointEvery === 0 && state.batch < nb) {
        lastCheckpoint = await saveCheckpoint(o.runDir, o.model, o.optimizer, state);
      }
    }

    progress.status(`validating on ${o.val.count} images…`);
    const v0 = performance.now();
    const val = evaluate(o.model, o.val, cfg.heads, Math.max(cfg.microBatch, 16));
    const record: EpochRecord = {
      epoch,
      step: state.step,
      lr,
      loss: sums.weightedLoss / sums.count,
      headLoss: perHead(names, (i) => sums.lossSums[i] / sums.count),
      trainAccuracy: perHead(names, (i) => sums.correct[i] / sums.count),
      valLoss: perHead(names, (i) => val.heads[names[i]].loss),
      valAccuracy: perHead(names, (i) => val.heads[names[i]].accuracy),
      meanValAccuracy: val.meanAccuracy,
      imagesPerSecond: sums.count / Math.max(sums.seconds, 1e-9),
      seconds: sums.seconds,
      valSeconds: (performance.now() - v0) / 1000,
    };
    await appendMetrics(o.runDir, record);
    records.push(record);
    let best = state.best;
    if (!best || record.meanValAccuracy > best.meanAccuracy) {
      best = { epoch, meanAccuracy: record.meanValAccuracy };
      await saveBest(o.runDir, o.model, {
        epoch,
        step: state.step,
        meanValAccuracy: record.meanValAccuracy,
        valAccuracy: record.valAccuracy,
      });
    }
    state = {
      step: state.step,
      epoch: epoch + 1,
      batch: 0,
      seed: cfg.seed,
      sums: emptySums(names.length),
      best,
    };
    lastCheckpoint = await saveCheckpoint(o.runDir, o.model, o.optimizer, state);
    if ((o.curves ?? true) && !curvesFailed) {
      try {
        await writeCurves(o.runDir, `${cfg.graphName}: loss and accuracy per head`, records);
      } catch (e) {
        curvesFailed = true;
        progress.log(`warning: could not draw the curves (${(e as Error).message}); training goes on`);
      }
    }
    progress.finish(epochSummary(record, cfg.epochs, best.epoch === epoch));
  }
  return { status: "done", state, records };
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
