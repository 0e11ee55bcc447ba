/**
 * The compiler's second target: a graph as a PyTorch project folder.
 *
 * ```
 * DIR/model.py            the graph as a torch.nn.Module (generated), build_model(), weights by name
 * DIR/train.py            the paper's protocol under torchrun / DistributedDataParallel
 * DIR/mtl/                layers, tfjs weight files, datasets, images, loop pieces (copied)
 * DIR/tfjs_topology.json  the runtime's model topology, so train.py writes models the runtime loads
 * DIR/weights/            with --weights: the run's weights as a tfjs model.json + weights.bin
 * DIR/export.json         what was exported, from where
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { compileFile } from "../compiler/mod.ts";
import { lowerToModel } from "../compiler/lower.ts";
import type { IR } from "../compiler/mod.ts";
import { replaceDir, WEIGHTS_FILE } from "../run/model_files.ts";
import { UserError } from "../util/errors.ts";
import { emitModelPy } from "./model_py.ts";
import { planModel } from "./plan.ts";
import { packRunWeights } from "./run_weights.ts";

/** The Python files copied as they are into every export. */
export const SUPPORT_FILES = [
  "train.py",
  "mtl/__init__.py",
  "mtl/layers.py",
  "mtl/tfjs.py",
  "mtl/examples.py",
  "mtl/celeba.py",
  "mtl/bbox.py",
  "mtl/data.py",
  "mtl/images.py",
  "mtl/loop.py",
] as const;

/** The file that marks a folder as an export (and lets a later export replace it). */
export const EXPORT_MARKER = "export.json";

/** What to export. */
export interface PytorchExportOptions {
  /** Graph file (.ts, .yaml, .json). */
  graph: string;
  /** Folder to write (default `out/<graph name>/pytorch`); replaced whole when it holds an earlier export. */
  out?: string;
  /** A run (or model.json) whose weights to include, by name. */
  weights?: string;
  /** Square input side to compile at instead of the graph's. */
  inputSize?: number;
}

/** What an export wrote. */
export interface PytorchExport {
  dir: string;
  graphName: string;
  className: string;
  /** Keras' parameter count of the exported model. */
  params: number;
  /** Height and width of the input, as exported. */
  input: [number, number];
  files: string[];
  weights?: { source: string; count: number; unused: number };
}

/**
 * Exports a graph to PyTorch (see the module comment). Lowers the graph with tfjs on the current
 * backend to take its topology, so the runtime and the export agree on every layer.
 */
export async function exportPytorch(o: PytorchExportOptions): Promise<PytorchExport> {
  const { ir } = await compileFile(o.graph, o.inputSize ? { inputSize: o.inputSize } : {});
  const plan = planModel(ir);
  const weights = o.weights ? await packRunWeights(o.weights, plan.weights) : undefined;
  const topology = await runtimeTopology(ir, plan.params);
  const out = o.out ?? join("out", ir.name, "pytorch");
  checkTarget(out);

  const files = new Map<string, string | Uint8Array>();
  files.set("model.py", emitModelPy(plan, { graphFile: o.graph }));
  for (const name of SUPPORT_FILES) {
    files.set(name, await Deno.readTextFile(new URL(`./python/${name}`, import.meta.url)));
  }
  files.set("tfjs_topology.json", JSON.stringify(topology) + "\n");
  if (weights) {
    const model = { ...topology, weightsManifest: [{ paths: [WEIGHTS_FILE], weights: weights.specs }] };
    files.set("weights/model.json", JSON.stringify(model) + "\n");
    files.set(`weights/${WEIGHTS_FILE}`, weights.data);
  }
  files.set(
    EXPORT_MARKER,
    JSON.stringify(
      {
        target: "pytorch",
        graph: o.graph,
        graphName: ir.name,
        input: ir.input,
        params: plan.params,
        weights: weights?.source ?? null,
        createdAt: new Date().toISOString(),
      },
      null,
      2,
    ) + "\n",
  );
  await replaceDir(out, async (tmp) => {
    for (const [name, content] of files) {
      const path = join(tmp, name);
      await Deno.mkdir(join(path, ".."), { recursive: true });
      if (typeof content === "string") await Deno.writeTextFile(path, content);
      else await Deno.writeFile(path, content);
    }
  });
  return {
    dir: out,
    graphName: ir.name,
    className: plan.className,
    params: plan.params,
    input: [ir.input[0], ir.input[1]],
    files: [...files.keys()],
    ...(weights
      ? { weights: { source: weights.source, count: weights.specs.length, unused: weights.unused } }
      : {}),
  };
}

/** The runtime's tfjs model topology of `ir` (as `compile` writes it), checked against the plan. */
async function runtimeTopology(ir: IR, params: number): Promise<Record<string, unknown>> {
  await tf.ready();
  const model = lowerToModel(ir);
  try {
    if (model.countParams() !== params) {
      throw new Error(`tfjs model of ${ir.name} has ${model.countParams()} parameters, the export ${params}`);
    }
    return {
      format: "layers-model",
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: null,
      modelTopology: model.toJSON(null, false),
    };
  } finally {
    model.dispose();
  }
}

/** An export may replace an earlier export or an empty folder, never other files. */
function checkTarget(out: string): void {
  let entries: string[];
  try {
    entries = [...Deno.readDirSync(out)].map((e) => e.name);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    if (e instanceof Deno.errors.NotADirectory) throw new UserError(out, "--out names a file, not a folder");
    throw e;
  }
  if (entries.length > 0 && !entries.includes(EXPORT_MARKER)) {
    throw new UserError(out, `holds other files (no ${EXPORT_MARKER}); give --out a new or empty folder`);
  }
}
