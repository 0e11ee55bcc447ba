/**
 * Writes model.py for a planned graph: a torch.nn.Module whose submodules follow the IR's layer
 * paths and whose forward is written out node by node, the weight table, and `build_model`,
 * `load_weights`, `save_weights`.
 *
 * @module
 */
import type { IRNode } from "../compiler/mod.ts";
import { forwardCode, type LayerHelper, moduleCode } from "./layers_py.ts";
import { localScope, pythonIdentifier } from "./names.ts";
import type { ModelPlan, PlannedNode } from "./plan.ts";
import { pyBlock, pyLiteral, pyString } from "./python_literal.ts";

/** Where the graph came from, for model.py's header and the run config train.py writes. */
export interface ModelPyOptions {
  /** The graph file as given to the exporter. */
  graphFile: string;
}

const INDENT = "        ";

/** A section label for generated code: the trunk, a head's own layers, or what a head combines. */
function section(n: IRNode): string {
  if (!n.head) return "shared trunk";
  return n.scope === "branch" || n.name === `${n.head}/fc`
    ? `head ${n.head}: branch and FC layer`
    : `head ${n.head}: dependencies and classifier`;
}

/** The text of model.py. */
export function emitModelPy(plan: ModelPlan, o: ModelPyOptions): string {
  const helpers = new Set<LayerHelper>(["keras_init_"]);
  const init = initLines(plan, helpers);
  const forward = forwardLines(plan, helpers);
  const body = [...init, "", ...forward].join("\n");
  const ir = plan.ir;
  const outputs = ir.heads.map((h) => `${h.name} [N, ${h.classes.length}]`).join(", ");
  const heads = ir.heads.map((h) => ({
    name: h.name,
    ...(h.attribute ? { attribute: h.attribute } : {}),
    classes: h.classes,
    lossWeight: h.lossWeight,
  }));
  const torchImports = [
    "import torch",
    ...(/\bF\./.test(body) ? ["import torch.nn.functional as F"] : []),
    "from torch import nn",
  ];
  return `"""PyTorch model of the graph "${ir.name}", generated from its IR by \`deno task export\`
(graph file ${o.graphFile}). Export again rather than edit.

Submodules follow the IR's layer paths (\`smile/fc\` is \`self.smile.fc\`), so weights move between
this model and the Deno runtime by name: WEIGHT_NAMES maps each IR weight to its state_dict key, and
load_weights / save_weights read and write the runtime's tfjs model.json + weights.bin.

forward(images): images N×${ir.input[2]}×H×W, floats in [0, 1] (NCHW; the runtime's tensors are
N×H×W×${ir.input[2]}: permute(0, 3, 1, 2) turns one into the other).
Returns the softmax outputs per head, in head order: ${outputs}.
"""
import json
import os

${torchImports.join("\n")}

from mtl.layers import ${[...helpers].sort().join(", ")}
from mtl.tfjs import load_tfjs_weights, save_tfjs_model, with_input_size

GRAPH = ${pyString(ir.name)}
GRAPH_FILE = ${pyString(o.graphFile)}
#: Height, width, channels, as the graph was exported.
INPUT_SHAPE = (${ir.input.join(", ")})
#: Whether the weights fit other input sizes too (no flatten before a dense layer).
ANY_INPUT_SIZE = ${plan.anyInputSize ? "True" : "False"}
#: Parameters as Keras counts them (batch-norm moving statistics included).
PARAMS = ${plan.params}
HEADS = [
${heads.map((h) => `    ${pyLiteral(h)},`).join("\n")}
]
#: The graph's training section: train.py's defaults.
TRAINING = ${pyBlock(ir.training as unknown as Record<string, unknown>)}
TOPOLOGY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tfjs_topology.json")


class ${plan.className}(nn.Module):
    """${ir.name}: ${plan.params.toLocaleString("en-US")} parameters (Keras' count); heads ${
    ir.heads.map((h) => h.name).join(", ")
  }."""

    def __init__(self):
${body}


#: IR weight name (as the Deno runtime saves it) -> (state_dict key, layout); see mtl/tfjs.py.
WEIGHT_NAMES = {
${plan.weights.map((w) => `    ${pyString(w.name)}: (${pyString(w.key)}, ${pyString(w.layout)}),`).join("\n")}
}


def build_model(weights: str | None = None) -> ${plan.className}:
    """The model with Keras' initial values, or with \`weights\` loaded by name (a tfjs model.json:
    weights/model.json of this export, or a Deno run's best/model.json)."""
    model = ${plan.className}()
    if weights is not None:
        load_weights(model, weights)
    return model


def load_weights(model: nn.Module, model_json: str, strict: bool = True):
    """Copies the weights of a tfjs model.json into \`model\` by IR name; strict: all must be there."""
    heads = tuple(h["name"] for h in HEADS)
    return load_tfjs_weights(model, model_json, WEIGHT_NAMES, strict, heads)


def save_weights(model: nn.Module, out_dir: str, input_size: int | None = None) -> None:
    """Writes out_dir/model.json + weights.bin as the Deno runtime saves a model, so \`deno task
    eval\`, \`predict\` and \`--init-from\` read it; its topology takes INPUT_SHAPE images, or
    input_size × input_size ones."""
    with open(TOPOLOGY, encoding="utf-8") as f:
        topology = json.load(f)["modelTopology"]
    if input_size is not None:
        topology = with_input_size(topology, input_size)
    save_tfjs_model(model, out_dir, WEIGHT_NAMES, topology)


def keras_param_count(model: nn.Module) -> int:
    """Parameters as Keras counts them: batch-norm moving mean and variance included."""
    stats = (b.numel() for name, b in model.named_buffers() if name.endswith(("running_mean", "running_var")))
    return sum(p.numel() for p in model.parameters()) + sum(stats)
`;
}

/** `__init__`: one submodule per stateful node, namespaces for heads, Keras' initial values. */
function initLines(plan: ModelPlan, helpers: Set<LayerHelper>): string[] {
  const lines = [`${INDENT}super().__init__()`];
  const made = new Set<string>();
  let current = "";
  for (const p of plan.nodes) {
    if (!p.module) continue;
    if (section(p.node) !== current) {
      current = section(p.node);
      lines.push(`${INDENT}# ${current}`);
    }
    for (let depth = 1; depth < p.module.length; depth++) {
      const ns = p.module.slice(0, depth).join(".");
      if (made.has(ns)) continue;
      made.add(ns);
      lines.push(`${INDENT}self.${ns} = nn.Module()  # namespace of the layers named ${ns}/…`);
    }
    const m = moduleCode(p);
    m.helpers.forEach((h) => helpers.add(h));
    lines.push(`${INDENT}self.${p.module.join(".")} = ${m.code}`);
  }
  lines.push(
    `${INDENT}# Keras' initial values (PyTorch's defaults differ): he_normal kernels, zero biases`,
    `${INDENT}for module in self.modules():`,
    `${INDENT}    keras_init_(module)`,
  );
  for (const p of plan.nodes) {
    if (p.module && (p.node.attrs as { init?: string }).init === "glorot_uniform") {
      lines.push(`${INDENT}keras_init_(self.${p.module.join(".")}, "glorot_uniform")`);
    }
  }
  return lines;
}

/**
 * `forward`, one line per node. A node whose only reader is the next node flows through `x`;
 * any other output gets a variable named after the node.
 */
function forwardLines(plan: ModelPlan, helpers: Set<LayerHelper>): string[] {
  const outputs = new Set(plan.ir.heads.map((h) => h.output));
  const readers = new Map<string, Set<number>>();
  plan.nodes.forEach((p, i) => {
    for (const input of p.inputs) readers.set(input.name, (readers.get(input.name) ?? new Set()).add(i));
  });
  const chained = (p: PlannedNode, i: number) => {
    const r = readers.get(p.node.name);
    return !outputs.has(p.node.name) && r !== undefined && r.size === 1 && r.has(i + 1);
  };
  const locals = localScope();
  const vars = new Map<string, string>([[plan.ir.nodes[0].name, "images"]]);
  const lines = [`${INDENT.slice(4)}def forward(self, images: torch.Tensor):`];
  let current = "";
  plan.nodes.forEach((p, i) => {
    if (section(p.node) !== current) {
      current = section(p.node);
      lines.push(`${INDENT}# ${current}`);
    }
    const args = p.inputs.map((n) => vars.get(n.name)!);
    const module = p.module ? `self.${p.module.join(".")}` : "";
    const f = forwardCode(p, module, args);
    f.helpers.forEach((h) => helpers.add(h));
    const target = chained(p, i) ? "x" : locals.take(p.node.name.replaceAll("/", "_"));
    vars.set(p.node.name, target);
    if (f.code === target) return;
    // A comment names the node where neither the variable nor the submodule does.
    const named = target === pythonIdentifier(p.node.name.replaceAll("/", "_")) ||
      (module !== "" && f.code.includes(module));
    lines.push(`${INDENT}${target} = ${f.code}${named ? "" : `  # ${p.node.name}`}`);
  });
  const results = plan.ir.heads.map((h) => vars.get(h.output));
  lines.push(`${INDENT}return ${results.join(", ")}${results.length === 1 ? "," : ""}`);
  return lines;
}
