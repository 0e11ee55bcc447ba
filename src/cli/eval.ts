/**
 * `deno task eval RUN_DIR… [--data PATH] [--split test|val|train]` — accuracy per head and their
 * average for each run, printed as a Markdown table in the style of the paper's Table 1
 * (rows = runs/architectures, columns = smile, gender, average). `--json` prints the numbers instead.
 *
 * @module
 */
import { BACKEND_FLAGS } from "../backend/names.ts";
import { accuracies, evaluateRun, type RunEvaluation } from "../eval/evaluate_run.ts";
import { accuracyTable } from "../eval/table.ts";
import { parseByteSize } from "../data/memory.ts";
import { UserError } from "../util/errors.ts";
import { defineCommand } from "./command.ts";
import { COMMON_FLAGS } from "./common_flags.ts";

/** The `eval` command. */
export const EVAL = defineCommand({
  name: "eval",
  usage: "RUN_DIR… [--data PATH] [--split test|val|train] [--weights best|last] [--json]",
  about:
    "Evaluates trained runs and prints a Markdown table: one row per run, one column per head, and the\n" +
    "average over heads (accuracy in %, the best of each column in bold).",
  positionals: [["RUN_DIR", "a run directory (runs/<graph>/<id>); several give several rows"]],
  flags: {
    data: { ...COMMON_FLAGS.data, defaultText: "each run's own, from its config.json" },
    split: { ...COMMON_FLAGS.split, default: "test" },
    weights: COMMON_FLAGS.weights,
    "batch-size": { type: "int", arg: "N", default: 32, help: "images per forward pass" },
    cache: COMMON_FLAGS.cache,
    "data-memory": COMMON_FLAGS["data-memory"],
    json: { ...COMMON_FLAGS.json, help: "print the numbers as JSON instead of a table" },
    ...BACKEND_FLAGS,
  },
  writes: ["runs", ".cache"],
  backendLog: "stderr",
}, async ({ values, positionals, backend }) => {
  if (positionals.length === 0) {
    throw new UserError("", `name at least one run directory\nusage: ${EVAL.usage}`);
  }
  const { split, weights } = values;
  const dataMemory = parseByteSize(values["data-memory"], "--data-memory");
  await backend();
  const rows: RunEvaluation[] = [];
  for (const dir of positionals) {
    rows.push(
      await evaluateRun(dir, {
        data: values.data,
        split,
        weights,
        batchSize: values["batch-size"],
        cacheDir: values.cache,
        dataMemory,
      }),
    );
  }
  if (values.json) {
    console.log(JSON.stringify(
      rows.map((r) => ({
        run: r.label,
        data: r.data,
        split,
        count: r.result.count,
        accuracy: accuracies(r.result),
        loss: Object.fromEntries(Object.entries(r.result.heads).map(([h, m]) => [h, m.loss])),
        average: r.result.meanAccuracy,
        weights: { which: r.weights.which, path: r.weights.modelPath, description: r.weights.description },
      })),
      null,
      2,
    ));
    return;
  }
  const sources = [...new Set(rows.map((r) => `${r.data} (${r.result.count} images)`))];
  console.log(`\nAccuracy (%) on the ${split} split of ${sources.join(", ")}:\n`);
  console.log(accuracyTable(rows.map((r) => ({ name: r.label, accuracy: accuracies(r.result) }))));
  console.log(`\nweights (--weights ${weights}):`);
  for (const r of rows) console.log(`  ${r.label}: ${r.weights.description}`);
});

if (import.meta.main) EVAL.main();
