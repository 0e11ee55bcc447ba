/**
 * Checking an experiment before it trains anything: both graphs compile at the input size with their
 * protocol overrides, the dataset opens for each graph's heads, no run directory it would make
 * exists yet, and the output folder may be written (made and marked now). A mistake in the second
 * graph or the output folder is found in seconds, not after training the first.
 *
 * @module
 */
import { join } from "node:path";
import { compileFile } from "../compiler/mod.ts";
import { openDataset } from "../data/mod.ts";
import { checkRunId, headRequests } from "../run/mod.ts";
import { resolveProtocol, type TrainOverrides } from "../train/protocol.ts";
import { UserError } from "../util/errors.ts";
import { exists } from "../util/fs.ts";
import { claimOutputDir } from "../util/owned_dir.ts";

/** What {@link checkExperiment} needs. */
export interface ExperimentPlan {
  graphA: string;
  graphB: string;
  a: TrainOverrides;
  b: TrainOverrides;
  data: string;
  seeds: readonly number[];
  inputSize?: number;
  runsDir: string;
  /** Run ids are `<runPrefix>-seed<N><suffix>`. */
  runPrefix: string;
  /** The runs of each seed: which graph file, and the suffix of its run id (default A and B, no suffix). */
  runs?: readonly { graph: string; suffix: string }[];
  outDir: string;
  /** Write into an output folder this project did not make. */
  force?: boolean;
  /** The command, recorded in the output folder's marker. */
  command: string;
}

/** Checks everything an experiment will use; throws the first problem as a UserError. */
export async function checkExperiment(p: ExperimentPlan): Promise<void> {
  const sides = [{ graph: p.graphA, overrides: p.a, flag: "GRAPH_A" }, {
    graph: p.graphB,
    overrides: p.b,
    flag: "GRAPH_B",
  }];
  const names = new Map<string, string>();
  for (const side of sides) {
    const { ir, spec } = await compileFile(side.graph, p.inputSize ? { inputSize: p.inputSize } : {});
    const { heads } = resolveProtocol(ir, spec.training, side.overrides);
    await openDataset(p.data, headRequests(heads));
    names.set(side.graph, ir.name);
  }
  if (names.get(p.graphA) === names.get(p.graphB)) {
    throw new UserError(
      p.graphB,
      `has the same graph name as ${p.graphA} (${names.get(p.graphA)}): their runs would collide`,
    );
  }
  const runs = p.runs ?? [{ graph: p.graphA, suffix: "" }, { graph: p.graphB, suffix: "" }];
  for (const run of runs) {
    for (const seed of p.seeds) {
      const id = checkRunId(`${p.runPrefix}-seed${seed}${run.suffix}`, "run id");
      const dir = join(p.runsDir, names.get(run.graph) ?? run.graph, id);
      if (await exists(dir)) {
        throw new UserError(dir, "run directory exists already; the experiment would not overwrite it");
      }
    }
  }
  await Deno.mkdir(p.runsDir, { recursive: true });
  await claimOutputDir(p.outDir, { command: p.command, force: p.force });
}
