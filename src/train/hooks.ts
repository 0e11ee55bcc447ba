/**
 * The training loop's hooks, in the manner of Lightning callbacks: small pieces the loop calls after
 * each step and at each epoch end, in order. The default list validates (metrics.jsonl), keeps the
 * best model (`best/`), checkpoints (every N steps and at each epoch end) and draws the curves.
 *
 * A hook that changes the loop position (the best hook sets `state.best`) must run before the
 * checkpoint hook, which saves that position.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { ImageSource } from "../data/mod.ts";
import { evaluate } from "../eval/metrics.ts";
import type { TrainConfig } from "../run/config.ts";
import { appendMetrics, type EpochRecord, writeMetricsCsv } from "../run/metrics.ts";
import type { EpochProgress } from "../util/progress.ts";
import { saveBest, saveCheckpoint } from "./checkpoint.ts";
import { writeCurves } from "./curves.ts";
import type { EpochSums, LoopState } from "./loop_state.ts";

/** The run being trained, as every hook sees it. */
export interface LoopContext {
  readonly runDir: string;
  readonly config: TrainConfig;
  readonly model: tf.LayersModel;
  readonly optimizer: tf.AdamOptimizer;
  readonly val: ImageSource;
  /** Optimizer steps (batches) per epoch. */
  readonly batchesPerEpoch: number;
  /** Records of every finished epoch, earlier runs of a resumed one included; validation appends. */
  readonly records: EpochRecord[];
  /** The newest checkpoint written (a NaN loss names it as the state to go back to). */
  lastCheckpoint: string | null;
  /** The epoch's progress bar: hooks print above it with `progress.log`. */
  progress: EpochProgress;
}

/** An epoch that has just finished its training steps. */
export interface EpochEnd {
  epoch: number;
  lr: number;
  /** The epoch's training sums. */
  sums: EpochSums;
  /** The weight of each head's loss at the epoch's end (λ, or what the loss weighting made of it). */
  lossWeights: Record<string, number>;
  /** Uncertainty weighting's log-variances at the epoch's end. */
  logVariance?: Record<string, number>;
  /** The epoch's record, once the validate hook has made it. */
  record?: EpochRecord;
  /** Where the loop continues from (the next epoch's start): what the checkpoint hook saves. */
  state: LoopState;
}

/** Something the loop calls after each finite step and at each epoch end. */
export interface LoopHook {
  /** After a step whose loss was finite (`state` is the position after it). */
  onStepEnd?(ctx: LoopContext, state: LoopState): Promise<void> | void;
  onEpochEnd?(ctx: LoopContext, end: EpochEnd): Promise<void> | void;
}

const perHead = (names: string[], f: (i: number) => number) =>
  Object.fromEntries(names.map((n, i) => [n, f(i)]));

/**
 * Evaluates on the validation set, makes the epoch's record, appends it to metrics.jsonl and rewrites
 * metrics.csv (one flat row per epoch).
 */
export function validateHook(): LoopHook {
  return {
    async onEpochEnd(ctx, end) {
      const { config: cfg, val: set } = ctx;
      const names = cfg.heads.map((h) => h.name);
      const s = end.sums;
      ctx.progress.status(`validating on ${set.count} images…`);
      const v0 = performance.now();
      const val = await evaluate(ctx.model, set, cfg.heads, Math.max(cfg.microBatch, 16));
      const record: EpochRecord = {
        epoch: end.epoch,
        step: end.state.step,
        lr: end.lr,
        loss: s.weightedLoss / s.count,
        headLoss: perHead(names, (i) => s.lossSums[i] / s.count),
        trainAccuracy: perHead(names, (i) => s.correct[i] / s.count),
        valLoss: perHead(names, (i) => val.heads[names[i]].loss),
        valAccuracy: perHead(names, (i) => val.heads[names[i]].accuracy),
        meanValAccuracy: val.meanAccuracy,
        imagesPerSecond: s.count / Math.max(s.seconds, 1e-9),
        seconds: s.seconds,
        valSeconds: (performance.now() - v0) / 1000,
        lossWeights: end.lossWeights,
        ...(end.logVariance ? { logVariance: end.logVariance } : {}),
      };
      await appendMetrics(ctx.runDir, record);
      ctx.records.push(record);
      await writeMetricsCsv(ctx.runDir, ctx.records);
      end.record = record;
    },
  };
}

/** Keeps `best/` at the epoch with the highest mean validation accuracy (needs the validate hook). */
export function bestHook(): LoopHook {
  return {
    async onEpochEnd(ctx, end) {
      const r = end.record;
      if (!r) throw new Error("bestHook needs the validate hook before it");
      const best = end.state.best;
      if (best && !(r.meanValAccuracy > best.meanAccuracy)) return;
      end.state.best = { epoch: end.epoch, meanAccuracy: r.meanValAccuracy };
      await saveBest(ctx.runDir, ctx.model, {
        epoch: end.epoch,
        step: end.state.step,
        meanValAccuracy: r.meanValAccuracy,
        valAccuracy: r.valAccuracy,
      });
    },
  };
}

/** Checkpoints every `checkpointEvery` steps within an epoch, and at each epoch end. */
export function checkpointHook(): LoopHook {
  return {
    async onStepEnd(ctx, state) {
      const every = ctx.config.checkpointEvery;
      if (every > 0 && state.step % every === 0 && state.batch < ctx.batchesPerEpoch) {
        ctx.lastCheckpoint = await saveCheckpoint(ctx.runDir, ctx.model, ctx.optimizer, state);
      }
    },
    async onEpochEnd(ctx, end) {
      ctx.lastCheckpoint = await saveCheckpoint(ctx.runDir, ctx.model, ctx.optimizer, end.state);
    },
  };
}

/** Redraws curves.svg/png from the records; a drawing failure warns once and training goes on. */
export function curvesHook(): LoopHook {
  let failed = false;
  return {
    async onEpochEnd(ctx) {
      if (failed) return;
      try {
        await writeCurves(ctx.runDir, `${ctx.config.graphName}: loss and accuracy per head`, ctx.records);
      } catch (e) {
        failed = true;
        ctx.progress.log(`warning: could not draw the curves (${(e as Error).message}); training goes on`);
      }
    },
  };
}

/** The loop's usual hooks, in their order: validate, best, checkpoint, and (unless off) curves. */
export function defaultHooks(o: { curves?: boolean } = {}): LoopHook[] {
  return [validateHook(), bestHook(), checkpointHook(), ...(o.curves ?? true ? [curvesHook()] : [])];
}
