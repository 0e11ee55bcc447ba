import type { TrainingSpec } from "../schema/mod.ts";
import { type AttrsOf, opDef, type OpName, type Shape } from "../ops/mod.ts";
import { checkHeads } from "./check.ts";
import { checkSizes } from "./limits.ts";
import { INPUT, type ResolvedGraph, type ResolvedLayer } from "./resolve.ts";

/** IR ops: the ops of the op table (src/ops) plus the model input. */
export type IROp = "input" | OpName;

/** Where a node sits: the model input, the shared trunk, a head's branch, or the head itself (fc, edges, out). */
export type IRScope = "input" | "trunk" | "branch" | "head";

/** One named node with op `Op`: what it computes, from which nodes, and its inferred output shape. */
export interface IRNodeOf<Op extends IROp> {
  /** The node's name, from the graph's paths (`conv4_block6_out`, `smile/fc`); the tfjs layer's name. */
  name: string;
  /** What the node computes. */
  op: Op;
  /** The op's attributes, typed by the op table (`{}` for the input). */
  attrs: Op extends OpName ? AttrsOf<Op> : Record<string, never>;
  /** The nodes it reads, by name, in order. */
  inputs: string[];
  /** Output shape without the batch dimension. */
  shape: Shape;
  /** Its parameter count (Keras' convention: biases and batch-norm's four vectors count). */
  params: number;
  /** Where the node sits: the shared trunk, a head's branch, or the head itself (fc, edges, out). */
  scope: IRScope;
  /** The head a branch or head node belongs to. */
  head?: string;
}

/** One named node; `op` tells its attributes apart (`if (n.op === "dense") n.attrs.units`). */
export type IRNode = { [Op in IROp]: IRNodeOf<Op> }[IROp];

/** What the runtime needs to know about a head. */
export interface IRHead {
  /** The head's name (`smile`). */
  name: string;
  /** The dataset attribute it learns (`Smiling`), when the graph names one. */
  attribute?: string;
  /** Class names; class 0 is the attribute's negative value. */
  classes: string[];
  /** Its weight λ in the summed loss. */
  lossWeight: number;
  /** The FC layer's node. */
  fc: string;
  /** The node fed to the classifier: the FC layer, an attention node, or `<head>/combine`. */
  representation: string;
  /** The softmax output's node. */
  output: string;
  /** Attention nodes of this head, by the head they attend to. */
  attention: Record<string, string>;
}

/** The flat, named, shape-checked graph that lowering turns into a tfjs model. */
export interface IR {
  /** The graph's name. */
  name: string;
  /** Input shape (height, width, channels). */
  input: Shape;
  /** Every node, in execution order. */
  nodes: IRNode[];
  /** The heads, in the order the graph declares them (the model's outputs). */
  heads: IRHead[];
  /** The graph's training protocol. */
  training: TrainingSpec;
  /** Sum of the nodes' parameters. */
  totalParams: number;
}

type NodeDraft<Op extends OpName> = Omit<IRNodeOf<Op>, "shape" | "params" | "attrs"> & { attrs: AttrsOf<Op> };

/** Splits a resolved layer into its node fields and its attributes (the op's own fields). */
function layerNode(
  { name, op, inputs, path: _path, ...attrs }: ResolvedLayer,
  scope: IRScope,
  head?: string,
): NodeDraft<OpName> {
  return { name, op, attrs, inputs, scope, ...(head === undefined ? {} : { head }) } as NodeDraft<OpName>;
}

/**
 * Pass 4, IR: flattens a resolved graph into named nodes in execution order and infers every
 * shape. Each head gets `<head>/fc`, one `<head>/att_<dep>` per attention edge, `<head>/combine`
 * where several vectors meet, and `<head>/out`.
 */
export function buildIR(g: ResolvedGraph): IR {
  const order = checkHeads(g);
  const nodes = new Map<string, IRNode>();
  let totalParams = 0;
  const addNode = <Op extends OpName>(n: NodeDraft<Op>, where: string): string => {
    const inputs = n.inputs.map((i) => nodes.get(i)!.shape);
    const inferred = opDef(n.op).infer(n.attrs, inputs, where);
    totalParams += inferred.params;
    checkSizes(inferred.shape, inferred.params, totalParams, where);
    nodes.set(n.name, { ...n, ...inferred } as IRNode);
    return n.name;
  };
  checkSizes(g.input, 0, 0, "input");
  nodes.set(INPUT, {
    name: INPUT,
    op: "input",
    attrs: {},
    inputs: [],
    shape: g.input,
    params: 0,
    scope: "input",
  });
  for (const layer of g.trunk) addNode(layerNode(layer, "trunk"), layer.path);

  const fcs = new Map<string, string>();
  for (const [head, h] of Object.entries(g.heads)) {
    for (const layer of h.branch) addNode(layerNode(layer, "branch", head), layer.path);
    const fc = typeof h.fc === "number" ? { units: h.fc, activation: "relu" as const } : h.fc;
    const last = h.branch.at(-1)?.name ?? g.trunk.at(-1)!.name;
    fcs.set(
      head,
      addNode<"dense">({
        name: `${head}/fc`,
        op: "dense",
        attrs: { ...fc, init: "he_normal" },
        inputs: [last],
        scope: "head",
        head,
      }, `heads.${head}.fc`),
    );
  }

  const heads = new Map<string, IRHead>();
  for (const head of order) {
    const h = g.heads[head];
    const where = `heads.${head}`;
    const fc = fcs.get(head)!;
    const context = (dep: string, attended: boolean) =>
      attended ? heads.get(dep)!.representation : fcs.get(dep)!;
    const attention: Record<string, string> = {};
    const parts: string[] = [];
    for (const [dep, edge] of Object.entries(h.dependsOn)) {
      if (edge.kind !== "attention") continue;
      attention[dep] = addNode<"attention">({
        name: `${head}/att_${dep}`,
        op: "attention",
        attrs: {
          weights: edge.weights,
          bias: edge.bias,
          context: edge.context,
          ...(edge.temperature ? { temperature: edge.temperature } : {}),
        },
        inputs: [fc, context(dep, edge.context === "attended")],
        scope: "head",
        head,
      }, `${where}.dependsOn.${dep}`);
      parts.push(attention[dep]);
    }
    if (parts.length === 0) parts.push(fc);
    for (const [dep, edge] of Object.entries(h.dependsOn)) {
      if (edge.kind === "concat") parts.push(context(dep, edge.context === "attended"));
    }
    const representation = parts.length === 1 ? parts[0] : addNode<"mean" | "concat">({
      name: `${head}/combine`,
      op: h.combine === "mean" ? "mean" : "concat",
      attrs: {},
      inputs: parts,
      scope: "head",
      head,
    }, `${where}.combine`);
    const output = addNode<"dense">({
      name: `${head}/out`,
      op: "dense",
      attrs: { units: h.classes.length, activation: "softmax", init: "he_normal" },
      inputs: [representation],
      scope: "head",
      head,
    }, `${where}.classes`);
    heads.set(head, {
      name: head,
      ...(h.attribute ? { attribute: h.attribute } : {}),
      classes: h.classes,
      lossWeight: h.lossWeight,
      fc,
      representation,
      output,
      attention,
    });
  }
  const all = [...nodes.values()];
  return {
    name: g.name,
    input: g.input,
    nodes: all,
    // Heads keep the order the graph declares them in; only node creation follows dependencies.
    heads: Object.keys(g.heads).map((h) => heads.get(h)!),
    training: g.training,
    totalParams,
  };
}
