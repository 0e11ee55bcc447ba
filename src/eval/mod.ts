/**
 * Evaluation of trained models: per-head accuracy and cross-entropy, a run evaluated on a split,
 * prediction of image files, Table-1-style tables, paired statistics over seeds, embeddings and the
 * t-SNE figure, and the charts. Never imports training code.
 *
 * @example
 * ```ts
 * import { accuracies, evaluateRun } from "./src/eval/mod.ts";
 * const { label, result } = await evaluateRun("runs/small_tmtl/r1", { split: "test" });
 * ```
 * @module
 */
export { crossEntropy, headOutputs, LOG_EPSILON } from "./cross_entropy.ts";
export { type EvalHead, type EvalResult, evaluate, type HeadMetrics, meanOf } from "./metrics.ts";
export { accuracies, evaluateRun, type EvaluateRunOptions, type RunEvaluation } from "./evaluate_run.ts";
export {
  formatPredictions,
  predictImages,
  type Prediction,
  predictProbabilities,
  prepareImages,
} from "./predict.ts";
export { accuracyTable, type TableOptions, type TableRow } from "./table.ts";
export { markdownTable } from "./markdown.ts";
export { meanSd, type PairedAccuracies, pairedReport, pairedTTest } from "./paired_stats.ts";
export { layerActivations, representationLayers, sampleGroups } from "./embeddings.ts";
export { tsne, type TsneOptions } from "./tsne.ts";
export { tsneFigure, type TsneFigureOptions } from "./tsne_figure.ts";
