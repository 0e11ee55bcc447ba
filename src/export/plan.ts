/**
 * What an exported PyTorch model consists of, decided from the IR alone (no tfjs): the nodes the
 * heads' outputs need, the submodule each stateful node becomes, and the weight table that maps
 * every IR weight (`smile/fc/kernel`, as the Deno runtime names it) to a state_dict key
 * (`smile.fc.weight`) and a layout conversion.
 *
 * @module
 */
import type { IR, IRNode } from "../compiler/mod.ts";
import { classNameOf, ModulePaths } from "./names.ts";

/** How a tfjs array becomes the PyTorch one (see mtl/tfjs.py). */
export type Layout = "hwio" | "io" | "same";

/** One weight of the model, in both worlds. */
export interface WeightEntry {
  /** The IR/tfjs name: `<layer>/<weight>`. */
  name: string;
  /** Shape as tfjs stores it. */
  shape: number[];
  /** state_dict key of the PyTorch model. */
  key: string;
  layout: Layout;
}

/** A node of the exported forward pass. */
export interface PlannedNode {
  node: IRNode;
  inputs: IRNode[];
  /** Attribute path of its submodule (conv, batch-norm, dense, dropout, attention), if it has one. */
  module?: string[];
}

/** Everything the emitters need. */
export interface ModelPlan {
  ir: IR;
  className: string;
  /** Nodes in execution order, the input excluded; only those the outputs depend on (as tfjs keeps). */
  nodes: PlannedNode[];
  /** Namespace submodules (a head's layers), in creation order. */
  namespaces: string[][];
  weights: WeightEntry[];
  /** Parameters as Keras counts them (batch-norm statistics included). */
  params: number;
  /** False when a flatten feeds a dense layer: then the weights fix the input size. */
  anyInputSize: boolean;
}

const STATEFUL = new Set(["conv2d", "batchnorm", "dense", "dropout", "attention"]);

/** Plans the PyTorch model of `ir`. */
export function planModel(ir: IR): ModelPlan {
  const byName = new Map(ir.nodes.map((n) => [n.name, n]));
  const needed = new Set<string>();
  const visit = (name: string) => {
    if (needed.has(name)) return;
    needed.add(name);
    byName.get(name)!.inputs.forEach(visit);
  };
  ir.heads.forEach((h) => visit(h.output));

  const paths = new ModulePaths();
  const nodes: PlannedNode[] = [];
  const weights: WeightEntry[] = [];
  for (const node of ir.nodes) {
    if (node.op === "input" || !needed.has(node.name)) continue;
    const inputs = node.inputs.map((i) => byName.get(i)!);
    const module = STATEFUL.has(node.op) ? paths.add(node.name) : undefined;
    nodes.push({ node, inputs, ...(module ? { module } : {}) });
    if (module) weights.push(...weightEntries(node, inputs, module.join(".")));
  }
  return {
    ir,
    className: classNameOf(ir.name),
    nodes,
    namespaces: paths.namespaces,
    weights,
    params: weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0),
    anyInputSize: !nodes.some((p) => p.node.op === "flatten" && p.inputs[0].shape.length > 1),
  };
}

/** The tfjs weights of one node (in tfjs' order) and where each goes in PyTorch. */
function weightEntries(node: IRNode, inputs: IRNode[], path: string): WeightEntry[] {
  const a = node.attrs as Record<string, never>;
  const entry = (weight: string, shape: number[], key: string, layout: Layout = "same"): WeightEntry => ({
    name: `${node.name}/${weight}`,
    shape,
    key: `${path}.${key}`,
    layout,
  });
  const x = inputs[0].shape;
  switch (node.op) {
    case "conv2d": {
      const [kh, kw] = typeof a.kernel === "number" ? [a.kernel, a.kernel] : a.kernel as [number, number];
      const filters = a.filters as number;
      return [
        entry("kernel", [kh, kw, x[2], filters], "weight", "hwio"),
        ...(a.useBias ? [entry("bias", [filters], "bias")] : []),
      ];
    }
    case "batchnorm": {
      const c = [x.at(-1)!];
      return [
        entry("gamma", c, "weight"),
        entry("beta", c, "bias"),
        entry("moving_mean", c, "running_mean"),
        entry("moving_variance", c, "running_var"),
      ];
    }
    case "dense":
      return [entry("kernel", [x[0], a.units], "weight", "io"), entry("bias", [a.units], "bias")];
    case "attention": {
      const [k, kPrime] = [x[0], inputs[1].shape[0]];
      const pair = a.weights === "shared" ? [1] : a.weights === "perPair" ? [kPrime, k] : [kPrime];
      const perModule = a.weights === "shared" ? [1] : [kPrime];
      return [
        entry("wS", pair, "wS"),
        entry("wG", pair, "wG"),
        ...(a.bias ? [entry("bias", perModule, "bias")] : []),
        ...(a.temperature === "learned" ? [entry("logBeta", perModule, "logBeta")] : []),
      ];
    }
    default:
      return [];
  }
}
