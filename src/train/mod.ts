/**
 * Training: a run prepared (new, warm-started or resumed) and trained by the loop — `trainStep` per
 * batch, hooks at each epoch end (validate, best, checkpoint, curves) — with the protocol's overrides,
 * checkpoints that resume exactly, and warm start by weight name.
 *
 * @example
 * ```ts
 * import { trainNewRun } from "./src/train/mod.ts";
 * const { run, result } = await trainNewRun({ graph: "examples/small_tmtl.ts", data: "data/synth", … });
 * ```
 * @module
 */
export { type LoopOptions, type LoopResult, runTraining } from "./loop.ts";
export {
  checkStep,
  checkWeights,
  describeDivergence,
  type Divergence,
  type DivergenceCause,
  DivergenceError,
  globalNorm,
  maxAbs,
} from "./guard.ts";
export {
  bestHook,
  checkpointHook,
  curvesHook,
  defaultHooks,
  type EpochEnd,
  type LoopContext,
  type LoopHook,
  validateHook,
} from "./hooks.ts";
export { emptySums, EpochSums, LoopState } from "./loop_state.ts";
export { type ExecuteOptions, executeRun, trainNewRun } from "./run.ts";
export {
  buildSeededModel,
  loadRunData,
  type NewRunOptions,
  type PreparedRun,
  prepareNewRun,
} from "./setup.ts";
export { prepareResume, type ResumeOptions } from "./resume.ts";
export {
  ADAM,
  applyOverrides,
  lrAt,
  parseLossWeights,
  parseSchedule,
  resolveProtocol,
  type TrainOverrides,
} from "./protocol.ts";
export { readLoopState, restoreCheckpoint, saveBest, saveCheckpoint } from "./checkpoint.ts";
export { formatWarmStart, resolveModelSource, warmStart, type WarmStartReport } from "./warm_start.ts";
