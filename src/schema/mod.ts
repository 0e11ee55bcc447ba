/**
 * Zod schemas for graph specs; the TS types are inferred from them. Layer specs come from the op
 * table (src/ops), so an op's fields are written once.
 *
 * @example
 * ```ts
 * import { parseGraphSpec } from "./mod.ts";
 * const spec = parseGraphSpec({
 *   name: "tiny",
 *   input: [32, 32, 3],
 *   trunk: [{ use: "small_trunk", widths: [8] }],
 *   heads: { smile: { branch: ["gap"], fc: 8, classes: ["no", "yes"] } },
 * }, "tiny.json");
 * spec.training.epochs; // 30, the paper's
 * ```
 * @module
 */
import { UserError } from "../util/errors.ts";
import { GraphSpec } from "./graph.ts";
import { HeadSpec } from "./head.ts";
import { TrainingSpec } from "./training.ts";
import { AttentionEdge } from "./edge.ts";
import { describeIssue, issuePath } from "./issues.ts";
import { checkPlainData } from "./plain_data.ts";

export * from "./layer.ts";
export * from "./edge.ts";
export * from "./head.ts";
export * from "./training.ts";
export * from "./graph.ts";
export { isReservedName, LAYER_NAME_PATTERN, LayerName } from "./names.ts";
export { checkPlainData, MAX_DEPTH } from "./plain_data.ts";
export { describeIssue, issuePath };
export type * from "./zod_types.ts";

/**
 * Validates plain data as a graph spec; the first problem becomes a UserError naming `source` and
 * its path. This is the one validation a graph gets: later passes take its result as it is.
 */
export function parseGraphSpec(data: unknown, source = "graph"): GraphSpec {
  checkPlainData(data, source);
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
