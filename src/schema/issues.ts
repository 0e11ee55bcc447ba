/**
 * Zod issues as one-line messages with dotted paths.
 *
 * @module
 */
import type { Issue } from "./zod_types.ts";
import { closest } from "../util/suggest.ts";

/** Dotted path of a zod issue: `heads.smile.fc`, `trunk[3].filters`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => typeof p === "number" ? `[${p}]` : (i === 0 ? "" : ".") + String(p)).join("");
}

/** One line for a zod issue, with a "did you mean" for a misspelt field. */
export function describeIssue(
  issue: Issue,
  knownKeys?: (path: readonly PropertyKey[]) => string[],
): string {
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => {
      const hint = closest(k, knownKeys?.(issue.path) ?? []);
      return hint ? `"${k}" (did you mean "${hint}"?)` : `"${k}"`;
    });
    return `unknown field${keys.length > 1 ? "s" : ""} ${keys.join(", ")}`;
  }
  // A record key that fails its schema (a head name): say why, not just "Invalid key in record".
  if (issue.code === "invalid_key" && issue.issues.length > 0) {
    return describeIssue(issue.issues[0], knownKeys);
  }
  return issue.message.replace(/^Invalid input: /, "").split("\n")[0];
}
