import type { EdgeSpec, TrainingSpec } from "../schema/mod.ts";
import { checkHeads } from "./check.ts";
import { INPUT, type ResolvedGraph } from "./resolve.ts";
import { inferShape, type Shape } from "./shapes.ts";

/** IR ops: the layer ops of the schema plus the ones heads and edges add. */
export type IROp =
  | "input"
  | "conv2d"
  | "batchnorm"
  | "activation"
  | "maxpool"
  | "zeropad"
  | "add"
  | "gap"
  | "flatten"
  | "dense"
  | "dropout"
  | "attention"
  | "concat"
  | "mean";

/** One named node: what it computes, from which nodes, and its inferred output shape. */
export interface IRNode {
  name: string;
  op: IROp;
  attrs: Record<string, unknown>;
  inputs: string[];
  /** Output shape without the batch dimension. */
  shape: Shape;
  params: number;
  /** Where the node sits: the shared trunk, a head's branch, or the head itself (fc, edges, out). */
  scope: "input" | "trunk" | "branch" | "head";
  head?: string;
}

/** What the runtime needs to know about a head. */
export interface IRHead {
  name: string;
  attribute?: string;
  classes: string[];
  lossWeight: number;
  /** Node names: the FC layer, the representation fed to the classifier, and the softmax output. */
  fc: string;
  representation: string;
  output: string;
  /** Attention nodes of this head, by the head they attend to. */
  attention: Record<string, string>;
}

/** The flat, named, shape-checked graph that lowering turns into a tfjs model. */
export interface IR {
  name: string;
  input: Shape;
  nodes: IRNode[];
  heads: IRHead[];
  training: TrainingSpec;
  totalParams: number;
}

/**
 * Pass 4, IR: flattens a resolved graph into named nodes in execution order and infers every
 * shape. Each head gets `<head>/fc`, one `<head>/att_<dep>` per attention edge, `<head>/combine`
 * where several vectors meet, and `<head>/out`.
 */
export function buildIR(g: ResolvedGraph): IR {
  const order = checkHeads(g);
  const nodes = new Map<string, IRNode>();
  const addNode = (n: Omit<IRNode, "shape" | "params">, where: string) => {
    const inputs = n.inputs.map((i) => nodes.get(i)!.shape);
    nodes.set(n.name, { ...n, ...inferShape(n.op, n.attrs, inputs, where) });
    return n.name;
  };
  nodes.set(INPUT, {
    name: INPUT,
    op: "input",
    attrs: {},
    inputs: [],
    shape: g.input,
    params: 0,
    scope: "input",
  });
  for (const { name, op, inputs, path, ...attrs } of g.trunk) {
    addNode({ name, op, attrs, inputs, scope: "trunk" }, path);
  }

  const fcs: Record<string, string> = {};
  for (const [head, h] of Object.entries(g.heads)) {
    for (const { name, op, inputs, path, ...attrs } of h.branch) {
      addNode({ name, op, attrs, inputs, scope: "branch", head }, path);
    }
    const fc = typeof h.fc === "number" ? { units: h.fc, activation: "relu" } : h.fc;
    const last = h.branch.at(-1)?.name ?? g.trunk.at(-1)!.name;
    fcs[head] = addNode(
      {
        name: `${head}/fc`,
        op: "dense",
        attrs: { ...fc, init: "he_normal" },
        inputs: [last],
        scope: "head",
        head,
      },
      `heads.${head}.fc`,
    );
  }

  const heads: Record<string, IRHead> = {};
  for (const head of order) {
    const h = g.heads[head];
    const where = `heads.${head}`;
    const context = (dep: string, edge: EdgeSpec) =>
      edge.context === "attended" ? heads[dep].representation : fcs[dep];
    const attention: Record<string, string> = {};
    const parts: string[] = [];
    for (const [dep, edge] of Object.entries(h.dependsOn)) {
      if (edge.kind !== "attention") continue;
      attention[dep] = addNode({
        name: `${head}/att_${dep}`,
        op: "attention",
        attrs: { weights: edge.weights, bias: edge.bias, context: edge.context },
        inputs: [fcs[head], context(dep, edge)],
        scope: "head",
        head,
      }, `${where}.dependsOn.${dep}`);
      parts.push(attention[dep]);
    }
    if (parts.length === 0) parts.push(fcs[head]);
    for (const [dep, edge] of Object.entries(h.dependsOn)) {
      if (edge.kind === "concat") parts.push(context(dep, edge));
    }
    const representation = parts.length === 1 ? parts[0] : addNode({
      name: `${head}/combine`,
      op: h.combine === "mean" ? "mean" : "concat",
      attrs: {},
      inputs: parts,
      scope: "head",
      head,
    }, `${where}.combine`);
    const output = addNode({
      name: `${head}/out`,
      op: "dense",
      attrs: { units: h.classes.length, activation: "softmax", init: "he_normal" },
      inputs: [representation],
      scope: "head",
      head,
    }, `${where}.classes`);
    heads[head] = {
      name: head,
      ...(h.attribute ? { attribute: h.attribute } : {}),
      classes: h.classes,
      lossWeight: h.lossWeight,
      fc: fcs[head],
      representation,
      output,
      attention,
    };
  }
  const all = [...nodes.values()];
  return {
    name: g.name,
    input: g.input,
    nodes: all,
    // Heads keep the order the graph declares them in; only node creation follows dependencies.
    heads: Object.keys(g.heads).map((h) => heads[h]),
    training: g.training,
    totalParams: all.reduce((n, node) => n + node.params, 0),
  };
}
