/**
 * `deno task compile <graph>`: validate, lower to tfjs layers, print a summary, and write
 * `out/<graph>/graph.json` (IR), `model.json` (tfjs topology, no weights) and `graph.mmd` (Mermaid).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { useBackend } from "../backend/mod.ts";
import { compileFile } from "../compiler/mod.ts";
import { lowerToModel } from "../compiler/lower.ts";
import { irToJson } from "../compiler/emit/json.ts";
import { toMermaid } from "../compiler/emit/mermaid.ts";
import { summarize } from "../compiler/emit/summary.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";
import { claimOutputDir } from "../util/owned_dir.ts";
import { defineCommand } from "./command.ts";
import { COMMON_FLAGS } from "./common_flags.ts";

/** The `compile` command. */
export const COMPILE = defineCommand({
  name: "compile",
  usage: "<graph.ts|.yaml|.json> [--out DIR] [--input-size N] [--full]",
  about: "Validates a graph, lowers it to tfjs layers, prints a Keras-style summary and writes\n" +
    "DIR/<graph>/graph.json (IR), model.json (tfjs topology, no weights) and graph.mmd (Mermaid).",
  positionals: [["GRAPH", "graph file (.ts, .yaml, .json); a run's spec.json compiles too"]],
  flags: {
    out: { ...COMMON_FLAGS.out, default: "out" },
    "input-size": { ...COMMON_FLAGS["input-size"], min: 1, defaultText: "the graph's" },
    full: {
      type: "boolean",
      help: "list every layer in the summary (blocks are folded into one row otherwise)",
    },
    force: COMMON_FLAGS.force,
  },
  writes: ["out"],
}, async ({ values, positionals }) => {
  if (positionals.length !== 1) throw new UserError("", `expected one graph file\nusage: ${COMPILE.usage}`);
  const { ir } = await compileFile(positionals[0], { inputSize: values["input-size"] });
  // Lowering builds the real tfjs model (weights initialised, no compute): the cpu backend is enough.
  await useBackend("cpu");
  const model = lowerToModel(ir);
  // Its parameter count must agree with the IR's, or lowering and shape inference disagree.
  if (model.countParams() !== ir.totalParams) {
    throw new Error(`lowered model has ${model.countParams()} params, IR says ${ir.totalParams}`);
  }
  const dir = join(values.out, ir.name);
  await claimOutputDir(dir, { command: "compile", force: values.force });
  console.log(summarize(ir, { full: values.full ?? false }));
  const topology = JSON.stringify(
    { format: "layers-model", modelTopology: model.toJSON(null, false) },
    null,
    1,
  );
  await writeFileAtomic(join(dir, "graph.json"), irToJson(ir));
  await writeFileAtomic(join(dir, "model.json"), topology + "\n");
  await writeFileAtomic(join(dir, "graph.mmd"), toMermaid(ir));
  console.log(`wrote ${join(dir, "graph.json")}, ${join(dir, "model.json")}, ${join(dir, "graph.mmd")}`);
  tf.disposeVariables();
});

if (import.meta.main) COMPILE.main();
