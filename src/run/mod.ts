/**
 * The run directory (`runs/<graph>/<id>/`): the run config as a zod schema, the graph spec stored
 * with the run, metrics, where its models are, loading a run and its images. Training writes runs;
 * evaluation, prediction, t-SNE and experiments read them through here.
 *
 * @example
 * ```ts
 * import { loadRun, loadRunSplits } from "./src/run/mod.ts";
 * const run = await loadRun("runs/small_tmtl/r1");
 * const { test } = await loadRunSplits(run.config, ["test"]);
 * ```
 * @module
 */
export {
  ConfigChange,
  DEFAULT_GUARD,
  defaultPreprocessing,
  GuardConfig,
  HeadConfig,
  parseRunConfig,
  Preprocessing,
  ResumeRecord,
  RunConfig,
  type TrainConfig,
} from "./config.ts";
export {
  BEST_DIR,
  BEST_INFO_FILE,
  checkpointDirs,
  checkpointName,
  CHECKPOINTS_DIR,
  CONFIG_FILE,
  LATEST_FILE,
  LOCK_FILE,
  METRICS_CSV_FILE,
  METRICS_FILE,
  OPTIMIZER_FILE,
  SPEC_FILE,
  STATE_FILE,
} from "./files.ts";
export { checkManifest, type Damage, MANIFEST_FILE, sha256Hex, writeManifest } from "./manifest.ts";
export { checkCheckpoint, checkModelFiles, checkSavedModel, readCheckpointPosition } from "./verify.ts";
export {
  type CheckpointSearch,
  describeDamage,
  findCheckpoint,
  latestCheckpoint,
  type RunWeights,
  runWeights,
  type WeightsSource,
} from "./weights.ts";
export { lockRun, type RunLock, takeOverNote } from "./run_lock.ts";
export {
  appendMetrics,
  type BadMetricsLine,
  EpochRecord,
  metricsCsv,
  readMetrics,
  type TruncatedMetrics,
  truncateMetrics,
  writeMetricsCsv,
} from "./metrics.ts";
export {
  dirSaveHandler,
  fileLoadHandler,
  MODEL_FILE,
  readModelJson,
  readWeights,
  recoverDir,
  replaceDir,
  saveModelDir,
  weightBytes,
  WEIGHTS_FILE,
} from "./model_files.ts";
export {
  checkRunId,
  newRunDir,
  readRunConfig,
  readRunSpec,
  RUN_ID_PATTERN,
  writeRunConfig,
  writeRunSpec,
} from "./run_dir.ts";
export { type LoadedRun, loadRun, type LoadRunOptions, runGraph, runLabel } from "./load.ts";
export {
  headRequests,
  loadRunSplits,
  runPreprocess,
  type RunSplitOptions,
  type SplitProgress,
} from "./data.ts";
