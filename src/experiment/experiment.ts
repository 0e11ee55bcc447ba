/**
 * The paper's paired comparison over several seeds: per seed, train graph A, warm-start graph B from
 * it, evaluate both on the test split; then mean ± sd per head, per-seed differences and a paired
 * t-test, written as `report.md` and `results.json`.
 *
 * @module
 */
import { basename, join } from "node:path";
import { accuracies } from "../eval/evaluate_run.ts";
import { pairedReport } from "../eval/paired_stats.ts";
import { autoMicroBatch } from "../train/accumulate.ts";
import type { TrainOverrides } from "../train/protocol.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { type PairRun, trainPair } from "./pair.ts";
import { checkExperiment } from "./validate.ts";

/** Everything one comparison needs. */
export interface ExperimentOptions {
  graphA: string;
  graphB: string;
  data: string;
  seeds: number[];
  inputSize?: number;
  a: TrainOverrides;
  b: TrainOverrides;
  warmStart: boolean;
  backend: string;
  microBatch?: number;
  runsDir: string;
  cacheDir: string;
  /** Folder for report.md and results.json. */
  outDir: string;
  /** Run id prefix: runs are `runs/<graph>/<prefix>-seed<N>`. */
  runPrefix: string;
  log?: (line: string) => void;
  /** Write into an output folder this project did not make (`--force`). */
  force?: boolean;
  /** The command, recorded in the output folder's marker (default `experiment`). */
  command?: string;
}

/** Results of an experiment: per seed, both runs. */
export interface ExperimentResult {
  report: string;
  pairs: { seed: number; a: PairRun; b: PairRun }[];
}

/** A graph's name as a report shows it: the file name without its extension. */
export function graphLabel(path: string): string {
  return basename(path).replace(/\.(ts|ya?ml|json)$/, "");
}

/**
 * Runs the paired comparison and writes `report.md` and `results.json` to `outDir`. Every input is
 * checked first (see validate.ts), so nothing trains when any of them is wrong.
 */
export async function runExperiment(o: ExperimentOptions): Promise<ExperimentResult> {
  const log = o.log ?? ((line: string) => console.log(line));
  await checkExperiment({ ...o, command: o.command ?? "experiment" });
  const pairs: ExperimentResult["pairs"] = [];
  for (const seed of o.seeds) {
    log(`\n=== seed ${seed} (${pairs.length + 1}/${o.seeds.length}) ===`);
    const pair = await trainPair({
      a: { graph: o.graphA, overrides: o.a },
      b: { graph: o.graphB, overrides: o.b },
      data: o.data,
      inputSize: o.inputSize,
      seed,
      warmStart: o.warmStart,
      runsDir: o.runsDir,
      runId: `${o.runPrefix}-seed${seed}`,
      backend: o.backend,
      microBatch: o.microBatch ?? autoMicroBatch(o.backend),
      execute: { cacheDir: o.cacheDir, log },
      log,
    });
    pairs.push({ seed, ...pair });
  }
  const [nameA, nameB] = [graphLabel(o.graphA), graphLabel(o.graphB)];
  const report = pairedReport({
    heads: Object.keys(pairs[0].a.test.heads),
    seeds: pairs.map((p) => p.seed),
    a: { name: nameA, perSeed: pairs.map((p) => accuracies(p.a.test)) },
    b: { name: nameB, perSeed: pairs.map((p) => accuracies(p.b.test)) },
  });
  const header = `# ${nameB} vs ${nameA} on ${o.data}` +
    `${o.inputSize ? ` at ${o.inputSize}×${o.inputSize}` : ""}` +
    `${o.warmStart ? `, ${nameB} warm-started from ${nameA}` : ""}\n\n`;
  await writeFileAtomic(join(o.outDir, "report.md"), header + report + "\n");
  await writeFileAtomic(
    join(o.outDir, "results.json"),
    JSON.stringify({ ...o, log: undefined, force: undefined, pairs }, null, 2) + "\n",
  );
  return { report, pairs };
}
