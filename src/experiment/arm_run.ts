/**
 * One arm of an experiment for one seed: train the run (warm-started where the arm says), evaluate
 * its best weights on the test split, and keep its validation curve (the warm-start dip is its
 * first point).
 *
 * @module
 */
import type { EvalResult } from "../eval/metrics.ts";
import { evaluateRun } from "../eval/evaluate_run.ts";
import { readMetrics } from "../run/mod.ts";
import { type ExecuteOptions, trainNewRun } from "../train/run.ts";
import type { NewRunOptions } from "../train/setup.ts";
import type { Arm } from "./arms.ts";

/** Validation accuracy after one epoch: per head and their mean. */
export interface ValPoint {
  epoch: number;
  mean: number;
  heads: Record<string, number>;
}

/** A trained and evaluated run. */
export interface ArmRun {
  graph: string;
  runDir: string;
  label: string;
  test: EvalResult;
  trainSeconds: number;
  epochs: number;
  /** Validation accuracy after each epoch. */
  valCurve: ValPoint[];
}

/** Where and how an arm's run is made. */
export interface ArmRunOptions {
  data: string;
  inputSize?: number;
  seed: number;
  runsDir: string;
  runId: string;
  /** The run to warm-start from (arm `a` of the same seed) when the arm starts from A. */
  initFrom?: string;
  backend: string;
  microBatch: NewRunOptions["microBatch"];
  execute?: ExecuteOptions;
  log: (line: string) => void;
}

/** Trains `arm` for one seed and evaluates it on the test split. */
export async function trainArm(arm: Arm, o: ArmRunOptions): Promise<ArmRun> {
  o.log(`— ${arm.label}: training ${arm.graph}${o.initFrom ? ` from ${o.initFrom}` : ""}, seed ${o.seed}`);
  const t0 = performance.now();
  const { run } = await trainNewRun({
    graph: arm.graph,
    data: o.data,
    runsDir: o.runsDir,
    runId: o.runId,
    inputSize: o.inputSize,
    overrides: arm.overrides,
    microBatch: o.microBatch,
    seed: o.seed,
    checkpointEvery: 0,
    backend: o.backend,
    initFrom: o.initFrom,
    ...(arm.warmup ? { warmup: arm.warmup } : {}),
    skipBad: false,
    command: ["experiment", arm.key, arm.graph],
  }, { log: o.log, ...o.execute });
  const trainSeconds = (performance.now() - t0) / 1000;
  const evaluation = await evaluateRun(run.runDir, { split: "test", cacheDir: o.execute?.cacheDir });
  const valCurve = (await readMetrics(run.runDir)).map((r) => ({
    epoch: r.epoch,
    mean: r.meanValAccuracy,
    heads: r.valAccuracy,
  }));
  return {
    graph: arm.graph,
    runDir: run.runDir,
    label: evaluation.label,
    test: evaluation.result,
    trainSeconds,
    epochs: run.config.epochs,
    valCurve,
  };
}
