/**
 * The paired comparison over several seeds with an equal-budget control: per seed, train graph A,
 * then (from A's best weights, as the paper warm-starts) A continued for B's epochs with B's
 * batches and schedule, B itself, and any remedies for the warm-start dip; evaluate each on the test
 * split. B is judged against A continued (same training budget), with per-seed differences and a
 * paired t-test; the report also gives B against A as the paper compares them. Writes `report.md`,
 * `results.json` and `results.csv` (see arms.ts and report.ts).
 *
 * @module
 */
import { basename, join } from "node:path";
import { autoMicroBatch } from "../train/accumulate.ts";
import type { TrainOverrides } from "../train/protocol.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { type Arm, planArms, type Remedies } from "./arms.ts";
import { trainArm } from "./arm_run.ts";
import { experimentReport, resultsCsv, type SeedRuns } from "./report.ts";
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
  /** Remedies for the warm-start dip, each trained as one more run per seed. */
  remedies?: Remedies;
  /** Row names of A and B (default: the graph files' names). */
  labels?: { a?: string; b?: string };
  backend: string;
  microBatch?: number;
  runsDir: string;
  cacheDir: string;
  /** Folder for report.md, results.json and results.csv. */
  outDir: string;
  /** Run id prefix: runs are `runs/<graph>/<prefix>-seed<N>[-continued|-warmup-…]`. */
  runPrefix: string;
  log?: (line: string) => void;
  /** Write into an output folder this project did not make (`--force`). */
  force?: boolean;
  /** The command, recorded in the output folder's marker (default `experiment`). */
  command?: string;
}

/** Results of an experiment: the arms and, per seed, every arm's run. */
export interface ExperimentResult {
  report: string;
  arms: Arm[];
  seeds: SeedRuns[];
}

/** A graph's name as a report shows it: the file name without its extension. */
export function graphLabel(path: string): string {
  return basename(path).replace(/\.(ts|ya?ml|json)$/, "");
}

/**
 * Runs the comparison and writes `report.md`, `results.json` and `results.csv` to `outDir`. Every input
 * is checked first (both graphs and the remedies, the dataset, every run directory, the output folder;
 * see validate.ts and arms.ts), so nothing trains when any of them is wrong.
 */
export async function runExperiment(o: ExperimentOptions): Promise<ExperimentResult> {
  const log = o.log ?? ((line: string) => console.log(line));
  const labels = { a: o.labels?.a ?? graphLabel(o.graphA), b: o.labels?.b ?? graphLabel(o.graphB) };
  const arms = await planArms({ ...o, labels });
  await checkExperiment({
    ...o,
    runs: arms.map((arm) => ({ graph: arm.graph, suffix: arm.suffix })),
    command: o.command ?? "experiment",
  });
  const seeds: SeedRuns[] = [];
  for (const seed of o.seeds) {
    log(`\n=== seed ${seed} (${seeds.length + 1}/${o.seeds.length}) ===`);
    const runs: SeedRuns["runs"] = {};
    for (const arm of arms) {
      runs[arm.key] = await trainArm(arm, {
        data: o.data,
        inputSize: o.inputSize,
        seed,
        runsDir: o.runsDir,
        runId: `${o.runPrefix}-seed${seed}${arm.suffix}`,
        initFrom: arm.fromA ? runs.a!.runDir : undefined,
        backend: o.backend,
        microBatch: o.microBatch ?? autoMicroBatch(o.backend),
        execute: { cacheDir: o.cacheDir, log },
        log,
      });
    }
    seeds.push({ seed, runs });
  }
  const title = `${labels.b} vs ${labels.a} on ${o.data}` +
    `${o.inputSize ? ` at ${o.inputSize}×${o.inputSize}` : ""}` +
    `${o.warmStart ? `, ${labels.b} warm-started from ${labels.a}` : ""}`;
  const input = {
    title,
    heads: Object.keys(seeds[0].runs.a!.test.heads),
    arms,
    seeds,
    warmStart: o.warmStart,
  };
  const report = experimentReport(input);
  await writeFileAtomic(join(o.outDir, "report.md"), report + "\n");
  await writeFileAtomic(join(o.outDir, "results.csv"), resultsCsv(input));
  await writeFileAtomic(
    join(o.outDir, "results.json"),
    JSON.stringify({ ...o, log: undefined, force: undefined, arms, seeds }, null, 2) + "\n",
  );
  return { report, arms, seeds };
}
