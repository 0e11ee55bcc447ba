import * as tf from "@tensorflow/tfjs";
import { useBackend } from "../backend/mod.ts";
import { exportPytorch } from "../export/mod.ts";
import { intFlag } from "../train/flags.ts";
import { UserError } from "../util/errors.ts";
import { parseArgs } from "./args.ts";
import { runMain } from "./main.ts";

const USAGE =
  "deno task export <graph.ts|.yaml|.json> --to pytorch [--out DIR] [--weights RUN] [--input-size N]";
const TARGETS = ["pytorch"];

export const EXPORT_HELP = `${USAGE}

Writes the graph as a PyTorch project: DIR/model.py (the graph as a torch.nn.Module, generated from its
IR, with build_model()), DIR/train.py (the paper's protocol under torchrun and DistributedDataParallel)
and their helpers. Then, where PyTorch runs:

  torchrun --standalone --nproc_per_node 8 DIR/train.py --data DATA --out RUN

RUN is a run directory this project reads: deno task eval RUN, tsne RUN, predict RUN, train --init-from RUN.

  --to pytorch       the target (the only one so far)
  --out DIR          folder to write (default out/<graph>/pytorch); an earlier export there is replaced
  --weights RUN      include a run's weights by name (a run, its best/ or a model.json): DIR/weights/
  --input-size N     compile at N×N instead of the graph's input size`;

/** `deno task export`: a graph (and optionally a run's weights) as PyTorch code. */
export async function exportCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs(args, {
    to: { type: "string", default: "pytorch" },
    out: { type: "string" },
    weights: { type: "string" },
    "input-size": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  }, USAGE);
  if (values.help) {
    console.log(EXPORT_HELP);
    return;
  }
  if (positionals.length !== 1) throw new UserError("", `expected one graph file\nusage: ${USAGE}`);
  if (!TARGETS.includes(values.to!)) {
    throw new UserError("--to", `unknown target "${values.to}"; targets: ${TARGETS.join(", ")}`);
  }
  const inputSize = intFlag(values, "input-size", 8, 4096);
  // Lowering (for the runtime's topology) builds the tfjs model without computing: cpu is enough.
  await useBackend("cpu");
  const r = await exportPytorch({
    graph: positionals[0],
    out: values.out,
    weights: values.weights,
    inputSize,
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
    `next: torchrun --standalone --nproc_per_node N ${r.dir}/train.py --data DATA --out runs/${r.graphName}/RUN`,
  );
}

if (import.meta.main) runMain(() => exportCommand(Deno.args));
