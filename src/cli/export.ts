/**
 * `deno task export <graph> --to pytorch [--out DIR] [--weights RUN] [--input-size N]`: the compiler's
 * second target — the graph as a PyTorch project (model.py generated from the IR, train.py for torchrun)
 * and, with `--weights`, a run's weights by name.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { useBackend } from "../backend/mod.ts";
import { exportPytorch } from "../export/mod.ts";
import { UserError } from "../util/errors.ts";
import { defineCommand } from "./command.ts";
import { COMMON_FLAGS } from "./common_flags.ts";

/** The `export` command. */
export const EXPORT = defineCommand({
  name: "export",
  usage: "<graph.ts|.yaml|.json> --to pytorch [--out DIR] [--weights RUN] [--input-size N]",
  about: "Writes the graph as a PyTorch project: DIR/model.py (the graph as a torch.nn.Module, generated\n" +
    "from its IR, with build_model()), DIR/train.py (the paper's protocol under torchrun and\n" +
    "DistributedDataParallel) and their helpers. Then, where PyTorch runs:\n\n" +
    "  torchrun --standalone --nproc_per_node 8 DIR/train.py --data DATA --out RUN\n\n" +
    "RUN is a run directory this project reads: deno task eval RUN, tsne RUN, predict RUN,\n" +
    "train --init-from RUN.",
  positionals: [["GRAPH", "graph file (.ts, .yaml, .json)"]],
  flags: {
    to: { type: "string", arg: "TARGET", choices: ["pytorch"], default: "pytorch", help: "the target" },
    out: {
      ...COMMON_FLAGS.out,
      defaultText: "out/<graph>/pytorch",
      help: "folder to write; an earlier export there is replaced, any other folder is refused",
    },
    weights: {
      type: "string",
      arg: "RUN",
      help: "include a run's weights by name (a run, its best/ or a model.json): DIR/weights/",
    },
    "input-size": { ...COMMON_FLAGS["input-size"], defaultText: "the graph's", help: "compile at N×N" },
  },
  writes: ["out"],
}, async ({ values, positionals }) => {
  if (positionals.length !== 1) throw new UserError("", `expected one graph file\nusage: ${EXPORT.usage}`);
  // Lowering (for the runtime's topology) builds the tfjs model without computing: cpu is enough.
  await useBackend("cpu");
  const r = await exportPytorch({
    graph: positionals[0],
    out: values.out,
    weights: values.weights,
    inputSize: values["input-size"],
  });
  tf.disposeVariables();
  console.log(
    `wrote ${r.dir}: model.py (${r.className}, ${r.params.toLocaleString("en-US")} parameters, ` +
      `${r.input.join("×")} input), train.py and helpers`,
  );
  if (r.weights) {
    console.log(
      `weights: ${r.weights.count} tensors from ${r.weights.source} in ${r.dir}/weights/` +
        (r.weights.unused ? ` (${r.weights.unused} of the source's not in this graph)` : ""),
    );
  }
  console.log(
    `next: torchrun --standalone --nproc_per_node N --redirects 1 --tee 1 ${r.dir}/train.py --data DATA ` +
      `--out runs/${r.graphName}/RUN`,
  );
});

if (import.meta.main) EXPORT.main();
