/**
 * Training as a function: prepare (or reopen) a run, load its images, run the loop. The `train`
 * command, `demo` and `experiment` all go through here, so they share one path from graph to run.
 *
 * @example
 * ```ts
 * const { run, result } = await trainNewRun({ graph: "examples/small_tmtl.ts", data: "data/synth", … });
 * ```
 * @module
 */
import type { ProgressSink } from "../util/progress.ts";
import { DivergenceError } from "./guard.ts";
import { type LoopResult, runTraining } from "./loop.ts";
import type { SplitProgress } from "../run/mod.ts";
import { loadRunData, type NewRunOptions, type PreparedRun, prepareNewRun } from "./setup.ts";

/** How a prepared run is carried out. */
export interface ExecuteOptions {
  /** Decoded-image cache (default `.cache/data`). */
  cacheDir?: string;
  /** Lines about data and setup (default console.log). */
  log?: (line: string) => void;
  decodeProgress?: SplitProgress;
  /** Data memory budget in bytes (default 2 GiB): larger splits are streamed from the cache. */
  dataMemory?: number;
  /** Per-epoch progress output (default: stdout). */
  sink?: ProgressSink;
  /** Draw curves.svg/png after each epoch (default true). */
  curves?: boolean;
  stopAfterSteps?: number;
  /**
   * Delete the run folder when its data cannot be read, or training diverges before its first
   * checkpoint (true for new runs: the folder then holds only config.json and spec.json).
   */
  removeOnDataError?: boolean;
}

/** Loads a prepared run's images and trains it to its configured epochs; releases the run's lock. */
export async function executeRun(run: PreparedRun, o: ExecuteOptions = {}): Promise<LoopResult> {
  const log = o.log ?? ((line: string) => console.log(line));
  try {
    for (const note of run.notes) log(note);
    const data = await loadRunData(
      run.config,
      o.cacheDir ?? ".cache/data",
      log,
      o.decodeProgress,
      o.dataMemory,
    ).catch(
      async (e) => {
        if (o.removeOnDataError) {
          run.lock.release();
          await Deno.remove(run.runDir, { recursive: true }).catch(() => {});
        }
        throw e;
      },
    );
    return await runTraining({
      ...run,
      ...data,
      ...(o.sink ? { sink: o.sink } : {}),
      curves: o.curves ?? true,
      stopAfterSteps: o.stopAfterSteps,
    }).catch(async (e) => {
      // A new run that diverged before its first checkpoint holds nothing worth keeping.
      if (!(e instanceof DivergenceError) || e.checkpoint || !o.removeOnDataError) throw e;
      run.lock.release();
      await Deno.remove(run.runDir, { recursive: true });
      throw new DivergenceError({ ...e.stop, folderRemoved: true });
    });
  } finally {
    run.lock.release();
  }
}

/** Creates a new run and trains it. */
export async function trainNewRun(
  options: NewRunOptions,
  o: Omit<ExecuteOptions, "removeOnDataError"> = {},
): Promise<{ run: PreparedRun; result: LoopResult }> {
  const run = await prepareNewRun(options);
  return { run, result: await executeRun(run, { ...o, removeOnDataError: true }) };
}
