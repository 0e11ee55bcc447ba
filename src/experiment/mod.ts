/**
 * Experiments over trained runs: the paper's pair (TMTL, then the attention network warm-started from
 * it, both evaluated on the test split), the same over several seeds with paired statistics, and the
 * demo that runs it end to end with Table 1, curves and the t-SNE figure.
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
export { type PairOptions, type PairRun, type PairSide, trainPair } from "./pair.ts";
