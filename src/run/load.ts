/**
 * Opening a run: its config.json, its graph (from the stored spec.json; runs made before specs were
 * stored fall back to recompiling their graph file) and a trained model — `best/` (by mean
 * validation accuracy) or the latest checkpoint.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { basename, join } from "node:path";
import { type Compiled, compileFile, compileSpec } from "../compiler/mod.ts";
import { registerProjectLayers } from "../layers/mod.ts";
import { isUserError, UserError } from "../util/errors.ts";
import type { RunConfig } from "./config.ts";
import { SPEC_FILE } from "./files.ts";
import { fileLoadHandler } from "./model_files.ts";
import { readRunConfig, readRunSpec } from "./run_dir.ts";
import { type RunWeights, runWeights, type WeightsSource } from "./weights.ts";

/** A loaded run. */
export interface LoadedRun {
  runDir: string;
  /** `<graph>/<id>`: how tables and messages name the run. */
  label: string;
  config: RunConfig;
  model: tf.LayersModel;
  /** The model.json the weights came from. */
  source: string;
  /** Which weights those are, checked before loading (see weights.ts). */
  weights: WeightsSource;
}

/** How tables and messages name a run: `<graph>/<id>`. */
export function runLabel(runDir: string, config: Pick<RunConfig, "graphName">): string {
  return `${config.graphName}/${basename(runDir.replace(/\/+$/, ""))}`;
}

/** Options of {@link loadRun}. */
export interface LoadRunOptions {
  /** Where a damaged checkpoint passed over is reported (default stderr). */
  warn?: (line: string) => void;
}

/**
 * Loads a run's config and model (custom layers registered first) from the weights `which`, checked
 * before use (see {@link runWeights}); a model.json that passes the checks but cannot be built is a
 * UserError naming it.
 */
export async function loadRun(
  runDir: string,
  which: RunWeights = "best",
  o: LoadRunOptions = {},
): Promise<LoadedRun> {
  const config = await readRunConfig(runDir);
  const weights = await runWeights(runDir, which, o.warn);
  const source = weights.modelPath;
  registerProjectLayers();
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(fileLoadHandler(source));
  } catch (e) {
    if (isUserError(e)) throw e;
    throw new UserError(source, `cannot build the model: ${String((e as Error).message).split("\n")[0]}`);
  }
  const outputs = model.outputs.length;
  if (outputs !== config.heads.length) {
    model.dispose();
    throw new UserError(
      source,
      `model has ${outputs} outputs but config.json names ${config.heads.length} heads`,
    );
  }
  return { runDir, label: runLabel(runDir, config), config, model, source, weights };
}

/**
 * The compiled graph of a run: its stored spec.json (already at the run's input size), so a graph
 * file edited or removed since does not change the run. A run made before specs were stored
 * recompiles its graph file at its input size, as it was trained.
 */
export async function runGraph(
  runDir: string,
  config: Pick<RunConfig, "graph" | "inputSize" | "heads">,
): Promise<Compiled & { fromSpec: boolean }> {
  const spec = await readRunSpec(runDir);
  const path = join(runDir, SPEC_FILE);
  const compiled = spec
    ? compileSpec(spec, {}, path)
    : await compileFile(config.graph, { inputSize: config.inputSize });
  const heads = compiled.ir.heads.map((h) => h.name).join(", ");
  const expected = config.heads.map((h) => h.name).join(", ");
  const where = spec ? path : config.graph;
  if (heads !== expected) throw new UserError(where, `heads ${heads} differ from config.json's ${expected}`);
  if (compiled.ir.input[0] !== config.inputSize) {
    throw new UserError(
      where,
      `input size ${compiled.ir.input[0]} differs from config.json's ${config.inputSize}`,
    );
  }
  return { ...compiled, fromSpec: spec !== undefined };
}
