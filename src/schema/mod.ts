/**
 * Zod schemas for graph specs; the TS types are inferred from them.
 *
 * @example
 * ```ts
 * import { parseGraphSpec } from "./mod.ts";
 * const spec = parseGraphSpec(JSON.parse(text), "graphs/x.json");
 * ```
 * @module
 */
import type { z } from "zod";
import { UserError } from "../util/errors.ts";
import { closest } from "../util/suggest.ts";
import { GraphSpec } from "./graph.ts";
import { HeadSpec } from "./head.ts";
import { TrainingSpec } from "./training.ts";
import { AttentionEdge } from "./edge.ts";

export * from "./layer.ts";
export * from "./edge.ts";
export * from "./head.ts";
export * from "./training.ts";
export * from "./graph.ts";

/** Dotted path of a zod issue: `heads.smile.fc`, `trunk[3].filters`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => typeof p === "number" ? `[${p}]` : (i === 0 ? "" : ".") + String(p)).join("");
}

/** One line for a zod issue, with a "did you mean" for a misspelt field. */
export function describeIssue(
  issue: z.core.$ZodIssue,
  knownKeys?: (path: readonly PropertyKey[]) => string[],
) {
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => {
      const hint = closest(k, knownKeys?.(issue.path) ?? []);
      return hint ? `"${k}" (did you mean "${hint}"?)` : `"${k}"`;
    });
    return `unknown field${keys.length > 1 ? "s" : ""} ${keys.join(", ")}`;
  }
  return issue.message.replace(/^Invalid input: /, "");
}

/** Validates plain data as a graph spec; the first problem becomes a UserError naming its path. */
export function parseGraphSpec(data: unknown, source = "graph"): GraphSpec {
  const parsed = GraphSpec.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issuePath(issue.path);
  throw new UserError(`${source}${where ? `: ${where}` : ""}`, describeIssue(issue, knownKeysAt));
}

// The fields a misspelt key could have meant: taken from the schema's shape at that path.
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(GraphSpec.shape);
  if (path[0] === "heads" && path.length === 2) return Object.keys(HeadSpec.shape);
  if (path[0] === "training" && path.length === 1) return Object.keys(TrainingSpec.shape);
  if (path[0] === "heads" && path[2] === "dependsOn" && path.length === 4) {
    return Object.keys(AttentionEdge.shape);
  }
  return [];
}
