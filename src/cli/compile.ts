import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { compileFile } from "../compiler/mod.ts";
import { lowerToModel } from "../compiler/lower.ts";
import { irToJson } from "../compiler/emit/json.ts";
import { toMermaid } from "../compiler/emit/mermaid.ts";
import { summarize } from "../compiler/emit/summary.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { parseArgs } from "./args.ts";
import { runMain } from "./main.ts";
import { UserError } from "../util/errors.ts";
import { useBackend } from "../backend/mod.ts";

const USAGE = "deno task compile <graph.ts|.yaml|.json> [--out DIR] [--input-size N] [--full]";

/**
 * `deno task compile <graph>`: validate, lower to tfjs layers, print a summary, and write
 * `out/<graph>/graph.json` (IR), `model.json` (tfjs topology, no weights) and `graph.mmd` (Mermaid).
 */
export async function compileCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs(args, {
    out: { type: "string", default: "out" },
    "input-size": { type: "string" },
    full: { type: "boolean", default: false },
  }, USAGE);
  if (positionals.length !== 1) throw new UserError("", `expected one graph file\nusage: ${USAGE}`);
  const inputSize = values["input-size"] === undefined ? undefined : Number(values["input-size"]);
  if (inputSize !== undefined && !(Number.isInteger(inputSize) && inputSize > 0)) {
    throw new UserError("--input-size", `expected a positive whole number, got "${values["input-size"]}"`);
  }
  const { ir } = await compileFile(positionals[0], { inputSize });
  // Lowering builds the real tfjs model (weights initialised, no compute): the cpu backend is enough.
  await useBackend("cpu");
  const model = lowerToModel(ir);
  // Its parameter count must agree with the IR's, or lowering and shape inference disagree.
  if (model.countParams() !== ir.totalParams) {
    throw new Error(`lowered model has ${model.countParams()} params, IR says ${ir.totalParams}`);
  }
  console.log(summarize(ir, { full: values.full }));
  const dir = join(values.out!, ir.name);
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
}

if (import.meta.main) runMain(() => compileCommand(Deno.args));
