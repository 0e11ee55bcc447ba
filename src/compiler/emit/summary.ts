import type { IR, IRNode } from "../ir.ts";

/** Thousands separators, as Keras prints parameter counts: 28,322,308. */
export const formatCount = (n: number) => n.toLocaleString("en-US");

/** The group a node is summarised under: a ResNet-style block (`conv4_block6`), else the layer. */
function blockOf(node: IRNode): string {
  const local = node.name.slice(node.name.indexOf("/") + 1);
  const block = /^(conv\d_block\d+|stage\d+|stem|conv1|pool1)/.exec(local)?.[1];
  return block ? node.name.slice(0, node.name.indexOf("/") + 1) + block : node.name;
}

const shapeText = (n: IRNode) => `(None, ${n.shape.join(", ")})`;

/**
 * A Keras-like summary grouped by trunk, each head's branch, and each head's own layers. Blocks are
 * folded into one row (`conv4_block6 · 10 layers`) unless `full` is set. Ends with
 * `Total params: N` in Keras' form.
 */
export function summarize(ir: IR, o: { full?: boolean } = {}): string {
  const sections: [string, IRNode[]][] = [["trunk (shared)", ir.nodes.filter((n) => n.scope === "trunk")]];
  for (const h of ir.heads) {
    sections.push([`branch ${h.name}`, ir.nodes.filter((n) => n.scope === "branch" && n.head === h.name)]);
    sections.push([`head ${h.name}`, ir.nodes.filter((n) => n.scope === "head" && n.head === h.name)]);
  }
  const rows: [string, string, string, string][] = [];
  for (const [title, nodes] of sections) {
    if (nodes.length === 0) continue;
    rows.push([`— ${title}`, "", "", ""]);
    const groups = new Map<string, IRNode[]>();
    for (const n of nodes) {
      const key = o.full || n.scope === "head" ? n.name : blockOf(n);
      groups.set(key, [...(groups.get(key) ?? []), n]);
    }
    for (const [key, members] of groups) {
      const last = members.at(-1)!;
      const params = members.reduce((p, n) => p + n.params, 0);
      const what = members.length === 1 ? describe(last) : `${members.length} layers`;
      rows.push([`  ${key}`, what, shapeText(last), formatCount(params)]);
    }
  }
  const header: [string, string, string, string] = ["Layer (group)", "Op", "Output shape", "Param #"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
  const rule = "=".repeat(widths.reduce((a, b) => a + b + 2, -2));
  const trainable = ir.nodes.reduce((p, n) => p + n.params - (n.op === "batchnorm" ? n.params / 2 : 0), 0);
  return [
    `Graph: ${ir.name}    input: (None, ${ir.input.join(", ")})    heads: ${
      ir.heads.map((h) => h.name).join(", ")
    }`,
    rule,
    line(header),
    rule,
    ...rows.map(line),
    rule,
    `Total params: ${formatCount(ir.totalParams)}`,
    `Trainable params: ${formatCount(trainable)}`,
    `Non-trainable params: ${formatCount(ir.totalParams - trainable)}`,
  ].join("\n");
}

function describe(n: IRNode): string {
  switch (n.op) {
    case "dense":
      return `dense ${n.attrs.units} ${n.attrs.activation}`;
    case "attention":
      return `attention(${n.attrs.weights}${n.attrs.bias ? ", bias" : ""}) ← ${n.inputs[1]}`;
    case "conv2d":
      return `conv2d ${n.attrs.filters}`;
    default:
      return n.op;
  }
}
