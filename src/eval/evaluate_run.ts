/**
 * Evaluating a trained run on a split of a dataset: the `eval` command, `demo` and `experiment` share it.
 *
 * @module
 */
import type { Split } from "../data/mod.ts";
import { loadRun, loadRunSplits, type RunWeights, type WeightsSource } from "../run/mod.ts";
import { type EvalResult, evaluate } from "./metrics.ts";

/** Where and how to evaluate. */
export interface EvaluateRunOptions {
  /** Dataset (default: the run's own, from its config.json). */
  data?: string;
  split?: Split;
  weights?: RunWeights;
  batchSize?: number;
  cacheDir?: string;
  /** Data memory budget in bytes (default 2 GiB): a larger split is streamed from the cache. */
  dataMemory?: number;
}

/** One run's evaluation, labelled as tables name it (`<graph>/<id>`). */
export interface RunEvaluation {
  label: string;
  data: string;
  result: EvalResult;
  /** The weights evaluated, checked before loading (a missing best/ is an error, never a switch). */
  weights: WeightsSource;
}

/** Loads a run's model, evaluates it on the split, and frees the model. */
export async function evaluateRun(runDir: string, o: EvaluateRunOptions = {}): Promise<RunEvaluation> {
  const run = await loadRun(runDir, o.weights ?? "best");
  try {
    const data = o.data ?? run.config.data;
    const split = o.split ?? "test";
    const sets = await loadRunSplits(run.config, [split], {
      data,
      cacheDir: o.cacheDir,
      dataMemory: o.dataMemory,
    });
    return {
      label: run.label,
      data,
      result: await evaluate(run.model, sets[split], run.config.heads, o.batchSize ?? 32),
      weights: run.weights,
    };
  } finally {
    run.model.dispose();
  }
}

/** Accuracy per head of an evaluation, for tables. */
export function accuracies(result: EvalResult): Record<string, number> {
  return Object.fromEntries(Object.entries(result.heads).map(([h, m]) => [h, m.accuracy]));
}
