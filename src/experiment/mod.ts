/**
 * Experiments over trained runs: the paper's comparison per seed with an equal-budget control (A,
 * A continued for B's epochs, B warm-started from A, and remedies for the warm-start dip), paired
 * statistics over seeds, and the demo that runs it end to end with the table, curves and the t-SNE
 * figure.
 *
 * @example
 * ```ts
 * import { runExperiment } from "./src/experiment/mod.ts";
 * const { report } = await runExperiment({ graphA: "examples/small_tmtl.ts", … });
 * ```
 * @module
 */
export { DEMO_GRAPHS, DEMO_PLANS, DEMO_SYNTH, type DemoOptions, runDemo } from "./demo.ts";
export { type ExperimentOptions, type ExperimentResult, graphLabel, runExperiment } from "./experiment.ts";
export { type Arm, type ArmKey, type ArmPlanOptions, planArms, type Remedies } from "./arms.ts";
export { type ArmRun, type ArmRunOptions, trainArm, type ValPoint } from "./arm_run.ts";
export { newLayers } from "./new_layers.ts";
export { experimentReport, type ReportInput, resultsCsv, type SeedRuns } from "./report.ts";
