/**
 * What a graph spec must be before the schema reads it: a tree of plain values. Loaders hand over
 * whatever a file produced, and some shapes would crash or fool the schema rather than fail it:
 * a `__proto__` key (zod drops it without a word), a value that contains itself (a YAML alias
 * inside its own anchor; the schema would recurse forever), or nesting deep enough to exhaust the
 * stack. Each becomes one line naming where it is.
 *
 * @module
 */
import { UserError } from "../util/errors.ts";
import { issuePath } from "./issues.ts";

/** Deeper than any graph spec needs (a layer's field sits at depth 5), far below the stack's limit. */
export const MAX_DEPTH = 64;

/**
 * Throws a UserError (prefixed by `source`) when `data` holds a `__proto__` key, contains itself,
 * or nests more than {@linkcode MAX_DEPTH} levels. Shared sub-values (YAML aliases) are fine.
 */
export function checkPlainData(data: unknown, source: string): void {
  const state = new Map<object, "open" | "done">();
  const fail = (path: PropertyKey[], detail: string): never => {
    const where = issuePath(path);
    throw new UserError(`${source}${where ? `: ${where}` : ""}`, detail);
  };
  const visit = (value: unknown, path: PropertyKey[]): void => {
    if (value === null || typeof value !== "object") return;
    if (state.get(value) === "done") return;
    if (state.get(value) === "open") {
      fail(path, "this value contains itself (an alias inside its own anchor?)");
    }
    if (path.length >= MAX_DEPTH) fail(path, `nested more than ${MAX_DEPTH} levels deep`);
    state.set(value, "open");
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, i]));
    } else {
      if (Object.hasOwn(value, "__proto__")) {
        fail([...path, "__proto__"], `"__proto__" cannot be a name: it is JavaScript's prototype link`);
      }
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
    }
    state.set(value, "done");
  };
  visit(data, []);
}
