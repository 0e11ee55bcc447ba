/**
 * `deno task eval RUN_DIR… [--data PATH] [--split test|val|train]` — accuracy per head and their
 * average for each run, printed as a Markdown table in the style of the paper's Table 1
 * (rows = runs/architectures, columns = smile, gender, average). `--json` prints the numbers instead.
 */
import {
  BACKEND_FLAG_HELP,
  BACKEND_OPTION,
  backendFromArgs,
  describeBackend,
  useBackend,
} from "../backend/mod.ts";
import { type Split, SPLITS } from "../data/mod.ts";
import type { EvalResult } from "../eval/metrics.ts";
import { accuracies, evaluateRun } from "../eval/evaluate_run.ts";
import { accuracyTable } from "../eval/table.ts";
import { intFlag, withPermissionHint } from "../train/flags.ts";
import type { RunWeights } from "../train/load_run.ts";
import { UserError } from "../util/errors.ts";
import { parseArgs } from "./args.ts";
import { runMain } from "./main.ts";

const USAGE = "deno task eval RUN_DIR… [--data PATH] [--split test|val|train] [--weights best|last] [--json]";
const HELP = `usage: ${USAGE}

Evaluates trained runs and prints a Markdown table: one row per run, one column per head, and the
average over heads (accuracy in %, the best of each column in bold).

  RUN_DIR              a run directory (runs/<graph>/<id>); several give several rows
  --data PATH          dataset (default: each run's own, from its config.json)
  --split NAME         test (default), val or train
  --weights W          best (default: best mean validation accuracy) or last (latest checkpoint)
  --batch-size N       images per forward pass (default 32)
  --cache DIR          decoded-image cache (default .cache/data)
  --json               print the numbers as JSON instead of a table
${BACKEND_FLAG_HELP}`;

const OPTIONS = {
  data: { type: "string" },
  split: { type: "string" },
  weights: { type: "string" },
  "batch-size": { type: "string" },
  cache: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  ...BACKEND_OPTION,
} as const;

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs(args, OPTIONS, USAGE);
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (positionals.length === 0) throw new UserError("", `name at least one run directory\nusage: ${USAGE}`);
  const split = (values.split ?? "test") as Split;
  if (!SPLITS.includes(split)) {
    throw new UserError("--split", `expected one of ${SPLITS.join(", ")}, got '${split}'`);
  }
  const weights = (values.weights ?? "best") as RunWeights;
  if (weights !== "best" && weights !== "last") {
    throw new UserError("--weights", `expected best or last, got '${weights}'`);
  }
  const batchSize = intFlag(values, "batch-size") ?? 32;
  const chosen = await useBackend(backendFromArgs(values));
  console.error(describeBackend(chosen));

  const rows: { name: string; data: string; result: EvalResult }[] = [];
  for (const dir of positionals) {
    const r = await evaluateRun(dir, {
      data: values.data as string | undefined,
      split,
      weights,
      batchSize,
      cacheDir: values.cache as string | undefined,
    });
    rows.push({ name: r.label, data: r.data, result: r.result });
  }

  if (values.json) {
    console.log(JSON.stringify(
      rows.map((r) => ({
        run: r.name,
        data: r.data,
        split,
        count: r.result.count,
        accuracy: accuracies(r.result),
        loss: Object.fromEntries(Object.entries(r.result.heads).map(([h, m]) => [h, m.loss])),
        average: r.result.meanAccuracy,
      })),
      null,
      2,
    ));
    return;
  }
  const sources = [...new Set(rows.map((r) => `${r.data} (${r.result.count} images)`))];
  console.log(`\nAccuracy (%) on the ${split} split of ${sources.join(", ")}, ${weights} weights:\n`);
  console.log(accuracyTable(rows.map((r) => ({
    name: r.name,
    accuracy: accuracies(r.result),
  }))));
}

if (import.meta.main) runMain(() => withPermissionHint(() => main(Deno.args)));
