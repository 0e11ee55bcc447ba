/**
 * The paper's comparison as one function: train graph A (TMTL), warm-start graph B (attention MTL)
 * from A's best weights, and evaluate both on the test split. `demo` runs it once; `experiment`
 * runs it per seed.
 *
 * @module
 */
import type { EvalResult } from "../eval/metrics.ts";
import { evaluateRun } from "../eval/evaluate_run.ts";
import type { TrainOverrides } from "../train/protocol.ts";
import { type ExecuteOptions, trainNewRun } from "../train/run.ts";
import type { NewRunOptions } from "../train/setup.ts";

/** One graph's part of a pair. */
export interface PairSide {
  graph: string;
  /** Protocol overrides for this graph (epochs, schedule, …). */
  overrides: TrainOverrides;
}

/** Options of {@link trainPair}. */
export interface PairOptions {
  a: PairSide;
  b: PairSide;
  data: string;
  inputSize?: number;
  seed: number;
  /** Warm-start B from A's best weights, as the paper does (default true). */
  warmStart?: boolean;
  runsDir: string;
  /** Run id of both runs (`runs/<graph>/<runId>`); default: timestamps. */
  runId?: string;
  backend: string;
  microBatch: NewRunOptions["microBatch"];
  execute?: ExecuteOptions;
  log?: (line: string) => void;
}

/** A trained and evaluated run. */
export interface PairRun {
  graph: string;
  runDir: string;
  label: string;
  test: EvalResult;
  trainSeconds: number;
  epochs: number;
}

/** Trains A, then B (warm-started from A), and evaluates both on the test split. */
export async function trainPair(o: PairOptions): Promise<{ a: PairRun; b: PairRun }> {
  const log = o.log ?? ((line: string) => console.log(line));
  const one = async (side: PairSide, initFrom?: string): Promise<PairRun> => {
    log(`— training ${side.graph}${initFrom ? ` (warm start from ${initFrom})` : ""}, seed ${o.seed}`);
    const t0 = performance.now();
    const { run } = await trainNewRun({
      graph: side.graph,
      data: o.data,
      runsDir: o.runsDir,
      runId: o.runId,
      inputSize: o.inputSize,
      overrides: side.overrides,
      microBatch: o.microBatch,
      seed: o.seed,
      checkpointEvery: 0,
      backend: o.backend,
      initFrom,
      skipBad: false,
      command: ["paired", side.graph],
    }, { log, ...o.execute });
    const trainSeconds = (performance.now() - t0) / 1000;
    const evaluation = await evaluateRun(run.runDir, { split: "test", cacheDir: o.execute?.cacheDir });
    return {
      graph: side.graph,
      runDir: run.runDir,
      label: evaluation.label,
      test: evaluation.result,
      trainSeconds,
      epochs: run.config.epochs,
    };
  };
  const a = await one(o.a);
  const b = await one(o.b, o.warmStart === false ? undefined : a.runDir);
  return { a, b };
}
