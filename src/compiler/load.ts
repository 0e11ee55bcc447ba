import { extname, resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import YAML from "yaml";
import { parseGraphSpec } from "../schema/mod.ts";
import type { GraphSpec } from "../schema/mod.ts";
import { UserError } from "../util/errors.ts";

/**
 * Pass 1, load: reads a graph file (.ts/.js default export, .yaml/.yml, .json) and validates it
 * against the schema. Errors name the file, and the line and column for YAML and JSON syntax.
 */
export async function loadGraphFile(path: string): Promise<GraphSpec> {
  const ext = extname(path).toLowerCase();
  if ([".ts", ".js", ".mts", ".mjs"].includes(ext)) return parseGraphSpec(await importDefault(path), path);
  const text = await readText(path);
  if (ext === ".yaml" || ext === ".yml") return parseGraphSpec(parseYaml(text, path), path);
  if (ext === ".json") return parseGraphSpec(parseJson(text, path), path);
  throw new UserError(path, `unknown graph file type "${ext}"; use .ts, .yaml or .json`);
}

async function readText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UserError(path, "no such file");
    throw e;
  }
}

async function importDefault(path: string): Promise<unknown> {
  await readText(path); // a clear "no such file" before the module loader's own message
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(resolvePath(path)).href);
  } catch (e) {
    // The module's own errors (syntax, a throwing import) are the user's, not ours.
    throw new UserError(path, `cannot load module: ${(e as Error).message.split("\n")[0]}`);
  }
  if (!("default" in mod)) throw new UserError(path, "no default export; export default graph({ … })");
  const value = mod.default;
  if (value === null || typeof value !== "object" || !("heads" in value)) {
    throw new UserError(
      path,
      `default export is not a graph (got ${describeValue(value)}); export default graph({ … })`,
    );
  }
  return value;
}

function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return `an object with fields ${Object.keys(v as object).join(", ") || "none"}`;
  return typeof v;
}

/** YAML text to data; a syntax error becomes `file:line:col: message`. */
export function parseYaml(text: string, path: string): unknown {
  const doc = YAML.parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0] ?? lineCol(text, err.pos[0]);
    throw new UserError(`${path}:${pos.line}:${pos.col}`, err.message.split("\n")[0]);
  }
  return doc.toJS();
}

/** JSON text to data; a syntax error becomes `file:line:col: message`. */
export function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const at = Number(/position (\d+)/.exec(msg)?.[1] ?? NaN);
    const pos = Number.isNaN(at) ? { line: 1, col: 1 } : lineCol(text, at);
    throw new UserError(`${path}:${pos.line}:${pos.col}`, msg.replace(/ in JSON at position \d+.*$/, ""));
  }
}

function lineCol(text: string, offset: number) {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, col: before.at(-1)!.length + 1 };
}
