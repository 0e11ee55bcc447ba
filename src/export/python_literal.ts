/**
 * Python source text for plain data: what the exporter writes into model.py (HEADS, TRAINING,
 * layer arguments).
 *
 * @module
 */

/** A number as Python reads it back exactly (`1e-7`, `0.01`, `64`); rounding noise such as
 * `1 - 0.99 = 0.010000000000000009` is cut to 12 significant digits. */
export function pyNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`no Python literal for ${n}`);
  const x = Number(n.toPrecision(12));
  return x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential() : String(x);
}

/** A string literal (JSON's escapes are Python's). */
export function pyString(s: string): string {
  return JSON.stringify(s);
}

/** `3` for a square window, `(3, 5)` otherwise. */
export function pyPair(p: number | [number, number]): string {
  const [a, b] = typeof p === "number" ? [p, p] : p;
  return a === b ? String(a) : `(${a}, ${b})`;
}

/** `(a, b)` always: for helpers that take both sides. */
export function pyTuple(p: number | [number, number]): string {
  const [a, b] = typeof p === "number" ? [p, p] : p;
  return `(${a}, ${b})`;
}

/** Any JSON-like value as a Python literal on one line. */
export function pyLiteral(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return pyNumber(value);
  if (typeof value === "string") return pyString(value);
  if (Array.isArray(value)) return `[${value.map(pyLiteral).join(", ")}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${pyString(k)}: ${pyLiteral(v)}`).join(", ")}}`;
}

/**
 * A dict or list as a Python literal: on one line when it fits in `width` characters after `indent`,
 * else one entry per line (nested values on one line each).
 */
export function pyBlock(value: Record<string, unknown> | unknown[], indent = "", width = 100): string {
  const flat = pyLiteral(value);
  if (indent.length + flat.length <= width) return flat;
  const inner = `${indent}    `;
  const lines = Array.isArray(value)
    ? value.map((v) => `${inner}${pyLiteral(v)},`)
    : Object.entries(value).filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${inner}${pyString(k)}: ${pyLiteral(v)},`);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return `${open}\n${lines.join("\n")}\n${indent}${close}`;
}
