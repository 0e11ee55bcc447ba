import type { IR, IRNode } from "../ir.ts";

const id = (name: string) => name.replace(/[^A-Za-z0-9_]/g, "_");
const shape = (n: IRNode) => n.shape.join("×");

/**
 * A Mermaid flowchart of the graph at the level a reader cares about: the trunk as one box, each
 * branch as one box, each head's FC, attention and output nodes, and dependency edges dashed.
 */
export function toMermaid(ir: IR): string {
  const trunk = ir.nodes.filter((n) => n.scope === "trunk");
  const trunkOut = trunk.at(-1)!;
  const lines = [
    "flowchart TB",
    `  input[/"input ${ir.input.join("×")}"/]`,
    `  trunk["trunk: ${trunk.length} layers → ${trunkOut.name} ${shape(trunkOut)}"]`,
    "  input --> trunk",
  ];
  // Where each node's value is drawn: branch layers fold into their branch box.
  const drawn = (name: string) => {
    const node = ir.nodes.find((n) => n.name === name)!;
    if (node.scope === "trunk" || node.scope === "input") return node.scope;
    return node.scope === "branch" ? id(`${node.head}_branch`) : id(name);
  };
  for (const h of ir.heads) {
    const branch = ir.nodes.filter((n) => n.scope === "branch" && n.head === h.name);
    const own = ir.nodes.filter((n) => n.scope === "head" && n.head === h.name);
    lines.push(`  subgraph ${id(h.name)}["head ${h.name}${h.attribute ? ` (${h.attribute})` : ""}"]`);
    if (branch.length) {
      lines.push(
        `    ${id(`${h.name}_branch`)}["branch: ${branch.length} layers → ${shape(branch.at(-1)!)}"]`,
      );
    }
    for (const n of own) {
      const label = n.op === "attention"
        ? `${n.name}: attention ${shape(n)}`
        : `${n.name}: ${n.op} ${shape(n)}`;
      lines.push(`    ${id(n.name)}["${label}"]`);
    }
    lines.push("  end");
  }
  const edges = new Set<string>();
  for (const n of ir.nodes) {
    if (n.scope === "input" || n.scope === "trunk") continue;
    n.inputs.forEach((input, k) => {
      const [from, to] = [drawn(input), drawn(n.name)];
      if (from === to) return;
      // The second input of an attention node is the dependency's context: a dependency edge.
      edges.add(n.op === "attention" && k === 1 ? `  ${from} -. "context" .-> ${to}` : `  ${from} --> ${to}`);
    });
  }
  return [...lines, ...edges].join("\n") + "\n";
}
