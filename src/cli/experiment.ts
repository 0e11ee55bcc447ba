/**
 * `deno task experiment GRAPH_A GRAPH_B [--data …] [--seeds 3]` — the paper's paired comparison over
 * several seeds with an equal-budget control and optional remedies for the warm-start dip (see
 * src/experiment/experiment.ts), printed and written as Markdown, JSON and CSV.
 *
 * @module
 */
import { join } from "node:path";
import { BACKEND_FLAGS } from "../backend/names.ts";
import { graphLabel, runExperiment } from "../experiment/mod.ts";
import { LOSS_WEIGHTINGS } from "../schema/mod.ts";
import { parseSchedule, type TrainOverrides } from "../train/protocol.ts";
import { UserError } from "../util/errors.ts";
import { quoted } from "../util/text.ts";
import { defineCommand } from "./command.ts";
import { COMMON_FLAGS, DEFAULT_DATA, PAIR_EPOCH_FLAGS } from "./common_flags.ts";

/** At most this many seeds in one experiment. */
const MAX_SEEDS = 100;

/** `--seeds 3` → [1, 2, 3]; `--seeds 4,7` → [4, 7] (at most 100 seeds, each in 0..2³²−1, no repeats). */
export function parseSeeds(text: string): number[] {
  const fail = (why: string) =>
    new UserError(
      "--seeds",
      `${why}: expected a count (3) or a list of whole numbers (1,2,5), got ${quoted(text)}`,
    );
  if (/^\d+$/.test(text.trim())) {
    const n = Number(text);
    if (n < 1 || n > MAX_SEEDS) throw fail(`a count must be 1..${MAX_SEEDS}`);
    return Array.from({ length: n }, (_, i) => i + 1);
  }
  const parts = text.split(",").map((s) => s.trim());
  if (parts.length > MAX_SEEDS) throw fail(`at most ${MAX_SEEDS} seeds`);
  const seeds = parts.map((s) => (/^\d+$/.test(s) ? Number(s) : NaN));
  if (seeds.some((s) => !Number.isSafeInteger(s) || s > 2 ** 32 - 1)) {
    throw fail("not whole numbers in 0..2^32-1");
  }
  if (new Set(seeds).size !== seeds.length) throw fail("a seed is repeated");
  return seeds;
}

const schedule = (graph: string) =>
  ({
    type: "string",
    arg: "S",
    defaultText: "the graph's",
    help: `EPOCH:LR,… for ${graph}`,
  }) as const;

/** The `experiment` command. */
export const EXPERIMENT = defineCommand({
  name: "experiment",
  usage: "GRAPH_A GRAPH_B [--data PATH] [--seeds 3] [flags]",
  about: "Per seed: trains GRAPH_A; continues it for GRAPH_B's epochs with GRAPH_B's batches and schedule\n" +
    "(the equal-budget control); trains GRAPH_B warm-started from GRAPH_A (the paper's protocol) and\n" +
    "any remedies for the warm-start dip. Evaluates all on the test split; prints mean ± sd per head\n" +
    "and tests GRAPH_B against the control (per-seed differences, paired t-test).",
  positionals: [["GRAPH_A GRAPH_B", "graph files: the baseline (TMTL) and the graph compared with it"]],
  flags: {
    data: { ...COMMON_FLAGS.data, default: DEFAULT_DATA },
    seeds: { type: "string", arg: "N|1,2,5", default: "3", help: "how many seeds (1..N) or which" },
    "input-size": { ...COMMON_FLAGS["input-size"], defaultText: "the graphs'" },
    "epochs-a": { ...PAIR_EPOCH_FLAGS["epochs-a"], defaultText: "the graph's training section" },
    "epochs-b": { ...PAIR_EPOCH_FLAGS["epochs-b"], defaultText: "the graph's training section" },
    "lr-schedule-a": schedule("GRAPH_A"),
    "lr-schedule-b": schedule("GRAPH_B"),
    "warm-start": {
      type: "boolean",
      negatable: true,
      default: true,
      help: "start GRAPH_B (and the control) from GRAPH_A's weights; without it both start from scratch",
    },
    "warmup-new": {
      type: "int",
      arg: "N",
      min: 1,
      help: "remedy, compared as one more run: GRAPH_B training only its new layers (attention, " +
        "classifiers) for its first N epochs",
    },
    "warmup-lr": {
      type: "number",
      arg: "X",
      min: Number.MIN_VALUE,
      max: 10,
      help: "remedy, compared as one more run: GRAPH_B's first epoch at learning rate X",
    },
    "loss-weighting": {
      type: "string",
      arg: "KIND",
      choices: LOSS_WEIGHTINGS,
      defaultText: "each graph's training.lossWeighting, fixed",
      help: "loss weighting of every run: fixed, uncertainty or dwa (see train --help)",
    },
    "micro-batch": COMMON_FLAGS["micro-batch"],
    out: {
      ...COMMON_FLAGS.out,
      defaultText: "out/experiment/<A>_vs_<B>",
      help: "where report.md, results.json and results.csv go",
    },
    runs: COMMON_FLAGS.runs,
    cache: COMMON_FLAGS.cache,
    force: COMMON_FLAGS.force,
    ...BACKEND_FLAGS,
  },
  writes: ["runs", ".cache", "out"],
}, async ({ values, positionals, backend }) => {
  if (positionals.length !== 2) throw new UserError("", `name two graph files\nusage: ${EXPERIMENT.usage}`);
  const [graphA, graphB] = positionals;
  const side = (epochs: number | undefined, lrSchedule: string | undefined): TrainOverrides => ({
    epochs,
    schedule: lrSchedule === undefined ? undefined : parseSchedule(lrSchedule),
    lossWeighting: values["loss-weighting"],
  });
  const seeds = parseSeeds(values.seeds);
  const a = side(values["epochs-a"], values["lr-schedule-a"]);
  const b = side(values["epochs-b"], values["lr-schedule-b"]);
  const outDir = values.out ?? join("out", "experiment", `${graphLabel(graphA)}_vs_${graphLabel(graphB)}`);
  const chosen = await backend();
  const { report } = await runExperiment({
    graphA,
    graphB,
    data: values.data,
    seeds,
    inputSize: values["input-size"],
    a,
    b,
    warmStart: values["warm-start"],
    remedies: { warmupNew: values["warmup-new"], warmupLr: values["warmup-lr"] },
    backend: chosen.name,
    microBatch: values["micro-batch"],
    runsDir: values.runs,
    cacheDir: values.cache,
    outDir,
    runPrefix: `exp-${new Date().toISOString().replace(/[-:]/g, "").slice(0, 15)}`,
    force: values.force,
  });
  console.log("\n" + report);
  console.log(
    `\nwritten: ${join(outDir, "report.md")}, results.json, results.csv (run directories per seed)`,
  );
});

/** Runs `experiment` on `args` (a user mistake is thrown). */
export const experimentCommand = (args: string[]): Promise<void> => EXPERIMENT.run(args);

if (import.meta.main) EXPERIMENT.main();
