/**
 * What changed between two JSON values, path by path: for commands that edit a user's files (deno.json)
 * and say exactly what they changed.
 *
 * @module
 */

/** One changed value: where, how, and the values before and after. */
export interface JsonChange {
  /** `imports["@tensorflow/tfjs-node-gpu"]`, `nodeModulesDir`; "" for the whole value. */
  path: string;
  kind: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

const step = (path: string, key: string) =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

/**
 * The changes from `before` to `after`: nested objects are compared key by key, anything else (arrays,
 * strings, numbers) as a whole. Keys come in the order of `before`, then the added ones.
 */
export function jsonChanges(before: unknown, after: unknown, path = ""): JsonChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => {
      const p = step(path, k);
      if (!Object.hasOwn(after, k)) return [{ path: p, kind: "removed" as const, before: before[k] }];
      if (!Object.hasOwn(before, k)) return [{ path: p, kind: "added" as const, after: after[k] }];
      return jsonChanges(before[k], after[k], p);
    });
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, kind: "changed", before, after }];
}

/** One line per change: `deno.json: imports["x"] added: "npm:x@1"`, `… changed: 1 → 2`. */
export function describeJsonChanges(file: string, changes: readonly JsonChange[]): string[] {
  const show = (v: unknown) => JSON.stringify(v);
  return changes.map((c) => {
    const where = `${file}: ${c.path || "(whole file)"}`;
    if (c.kind === "added") return `${where} added: ${show(c.after)}`;
    if (c.kind === "removed") return `${where} removed (was ${show(c.before)})`;
    return `${where} changed: ${show(c.before)} → ${show(c.after)}`;
  });
}
