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
  defaultPreprocessing,
  HeadConfig,
  parseRunConfig,
  Preprocessing,
  RunConfig,
  type TrainConfig,
} from "./config.ts";
export {
  BEST_DIR,
  BEST_INFO_FILE,
  checkpointName,
  CHECKPOINTS_DIR,
  CONFIG_FILE,
  LATEST_FILE,
  latestCheckpoint,
  METRICS_CSV_FILE,
  METRICS_FILE,
  OPTIMIZER_FILE,
  runModelPath,
  type RunWeights,
  SPEC_FILE,
  STATE_FILE,
} from "./files.ts";
export {
  appendMetrics,
  EpochRecord,
  metricsCsv,
  readMetrics,
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
export { newRunDir, readRunConfig, readRunSpec, writeRunConfig, writeRunSpec } from "./run_dir.ts";
export { type LoadedRun, loadRun, runGraph, runLabel } from "./load.ts";
export {
  headRequests,
  loadRunSplits,
  runPreprocess,
  type RunSplitOptions,
  type SplitProgress,
} from "./data.ts";
