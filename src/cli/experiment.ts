/**
 * `deno task experiment GRAPH_A GRAPH_B [--data …] [--seeds 3]` — the paper's paired comparison over
 * several seeds: per seed, train A, warm-start B from A, evaluate both on the test split; then
 * mean ± sd per head, per-seed differences and a paired t-test, written as Markdown and JSON.
 */
import { basename, join } from "node:path";
import {
  BACKEND_FLAG_HELP,
  BACKEND_OPTION,
  backendFromArgs,
  describeBackend,
  useBackend,
} from "../backend/mod.ts";
import { accuracies } from "../eval/evaluate_run.ts";
import { pairedReport } from "../eval/paired_stats.ts";
import { autoMicroBatch } from "../train/accumulate.ts";
import { parseSchedule, type TrainOverrides } from "../train/config.ts";
import { intFlag, withPermissionHint } from "../train/flags.ts";
import { type PairRun, trainPair } from "../train/paired.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";
import { parseArgs } from "./args.ts";
import { runMain } from "./main.ts";

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
}

/** Results of an experiment: per seed, both runs. */
export interface ExperimentResult {
  report: string;
  pairs: { seed: number; a: PairRun; b: PairRun }[];
}

const graphName = (path: string) => basename(path).replace(/\.(ts|ya?ml|json)$/, "");

/** Runs the paired comparison and writes `report.md` and `results.json` to `outDir`. */
export async function runExperiment(o: ExperimentOptions): Promise<ExperimentResult> {
  const log = o.log ?? ((line: string) => console.log(line));
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
  const heads = Object.keys(pairs[0].a.test.heads);
  const report = pairedReport({
    heads,
    seeds: pairs.map((p) => p.seed),
    a: { name: graphName(o.graphA), perSeed: pairs.map((p) => accuracies(p.a.test)) },
    b: { name: graphName(o.graphB), perSeed: pairs.map((p) => accuracies(p.b.test)) },
  });
  const header = `# ${graphName(o.graphB)} vs ${graphName(o.graphA)} on ${o.data}` +
    `${o.inputSize ? ` at ${o.inputSize}×${o.inputSize}` : ""}` +
    `${o.warmStart ? `, ${graphName(o.graphB)} warm-started from ${graphName(o.graphA)}` : ""}\n\n`;
  await writeFileAtomic(join(o.outDir, "report.md"), header + report + "\n");
  await writeFileAtomic(
    join(o.outDir, "results.json"),
    JSON.stringify({ ...o, log: undefined, pairs }, null, 2) + "\n",
  );
  return { report, pairs };
}

const USAGE = "deno task experiment GRAPH_A GRAPH_B [--data PATH] [--seeds 3] [flags]";
const HELP = `usage: ${USAGE}

Trains GRAPH_A, then GRAPH_B warm-started from it (the paper's protocol), once per seed; evaluates
both on the test split; prints mean ± sd per head, per-seed differences and a paired t-test.

  --data PATH            dataset (default data/synth)
  --seeds N | 1,2,5      how many seeds (1..N) or which (default 3)
  --input-size N         square input side (default: the graphs')
  --epochs-a N, --epochs-b N          epochs per graph (default: the graphs' training sections)
  --lr-schedule-a S, --lr-schedule-b S EPOCH:LR,… per graph (default: the graphs')
  --no-warm-start        train GRAPH_B from scratch
  --micro-batch N        examples per forward/backward pass (default: automatic)
  --out DIR              where report.md and results.json go (default out/experiment/<A>_vs_<B>)
  --runs DIR, --cache DIR
${BACKEND_FLAG_HELP}`;

const OPTIONS = {
  data: { type: "string" },
  seeds: { type: "string" },
  "input-size": { type: "string" },
  "epochs-a": { type: "string" },
  "epochs-b": { type: "string" },
  "lr-schedule-a": { type: "string" },
  "lr-schedule-b": { type: "string" },
  "no-warm-start": { type: "boolean" },
  "micro-batch": { type: "string" },
  out: { type: "string" },
  runs: { type: "string" },
  cache: { type: "string" },
  help: { type: "boolean", short: "h" },
  ...BACKEND_OPTION,
} as const;

/** `--seeds 3` → [1, 2, 3]; `--seeds 4,7` → [4, 7]. */
export function parseSeeds(text: string): number[] {
  const seeds = /^\d+$/.test(text)
    ? Array.from({ length: Number(text) }, (_, i) => i + 1)
    : text.split(",").map((s) => Number(s.trim()));
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new UserError("--seeds", `expected a count (3) or a list of whole numbers (1,2,5), got '${text}'`);
  }
  return seeds;
}

export async function experimentCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs(args, OPTIONS, USAGE);
  if (values.help) return console.log(HELP);
  if (positionals.length !== 2) throw new UserError("", `name two graph files\nusage: ${USAGE}`);
  const [graphA, graphB] = positionals;
  const side = (s: "a" | "b"): TrainOverrides => {
    const epochs = intFlag(values, `epochs-${s}`);
    const schedule = values[`lr-schedule-${s}`];
    return { ...(epochs ? { epochs } : {}), ...(schedule ? { schedule: parseSchedule(schedule) } : {}) };
  };
  const chosen = await useBackend(backendFromArgs(values));
  console.log(describeBackend(chosen));
  const { report } = await runExperiment({
    graphA,
    graphB,
    data: values.data ?? "data/synth",
    seeds: parseSeeds(values.seeds ?? "3"),
    inputSize: intFlag(values, "input-size", 8, 4096),
    a: side("a"),
    b: side("b"),
    warmStart: !values["no-warm-start"],
    backend: chosen.name,
    microBatch: intFlag(values, "micro-batch"),
    runsDir: values.runs ?? "runs",
    cacheDir: values.cache ?? ".cache/data",
    outDir: values.out ?? join("out", "experiment", `${graphName(graphA)}_vs_${graphName(graphB)}`),
    runPrefix: `exp-${new Date().toISOString().replace(/[-:]/g, "").slice(0, 15)}`,
  });
  console.log("\n" + report);
}

if (import.meta.main) runMain(() => withPermissionHint(() => experimentCommand(Deno.args)));
