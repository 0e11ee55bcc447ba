import type { GraphSpec } from "../schema/mod.ts";
import { UserError } from "../util/errors.ts";
import { closest } from "../util/suggest.ts";

/**
 * Pass 3, check the head graph: every `dependsOn` key names another head, and edges that take a
 * dependency's *attended* representation form no cycle (edges on the FC context never can:
 * FC layers come before any attention). Returns the heads in an order where each head's
 * attended dependencies come first.
 */
export function checkHeads(spec: Pick<GraphSpec, "heads">): string[] {
  const heads = Object.keys(spec.heads);
  for (const [head, h] of Object.entries(spec.heads)) {
    for (const dep of Object.keys(h.dependsOn)) {
      const where = `heads.${head}.dependsOn.${dep}`;
      if (dep === head) throw new UserError(where, `head "${head}" cannot depend on itself`);
      if (!Object.hasOwn(spec.heads, dep)) {
        const hint = closest(dep, heads.filter((n) => n !== head));
        throw new UserError(
          where,
          `unknown head "${dep}"${hint ? ` (did you mean "${hint}"?)` : ""}; heads are ${heads.join(", ")}`,
        );
      }
    }
  }
  return orderHeads(spec);
}

/** Depth-first topological order over attended-context edges; a back edge is a cycle. */
function orderHeads(spec: Pick<GraphSpec, "heads">): string[] {
  const state = new Map<string, "visiting" | "done">();
  const order: string[] = [];
  const visit = (head: string, stack: string[]) => {
    if (state.get(head) === "done") return;
    if (state.get(head) === "visiting") {
      const cycle = [...stack.slice(stack.indexOf(head)), head];
      throw new UserError(
        `heads.${cycle[0]}.dependsOn.${cycle[1]}`,
        `dependency cycle ${cycle.join(" → ")}: an edge with context "attended" needs the other head's ` +
          `attention first; use context "fc" on one edge`,
      );
    }
    state.set(head, "visiting");
    for (const [dep, edge] of Object.entries(spec.heads[head].dependsOn)) {
      if (edge.context === "attended") visit(dep, [...stack, head]);
    }
    state.set(head, "done");
    order.push(head);
  };
  for (const head of Object.keys(spec.heads)) visit(head, []);
  return order;
}
