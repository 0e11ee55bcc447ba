import { extname } from "node:path";
import YAML from "yaml";
import { parseGraphSpec } from "../schema/mod.ts";
import type { GraphSpec } from "../schema/mod.ts";
import { UserError } from "../util/errors.ts";
import { importGraphModule, type SandboxOptions } from "./sandbox.ts";

const MODULE_EXTENSIONS = [".ts", ".js", ".mts", ".mjs"];

/**
 * Pass 1, load: reads a graph file (.ts/.js default export, .yaml/.yml, .json) as plain data, not
 * yet validated. A module is evaluated without permissions (see sandbox.ts). Errors name the file,
 * and the line and column for YAML and JSON syntax.
 */
export async function loadGraphData(path: string, options: SandboxOptions = {}): Promise<unknown> {
  const ext = extname(path).toLowerCase();
  const known = MODULE_EXTENSIONS.includes(ext) || [".yaml", ".yml", ".json"].includes(ext);
  // A clear "no such file" or "is a directory" before any loader's own message.
  await checkFile(path, known);
  if (MODULE_EXTENSIONS.includes(ext)) return checkGraphValue(await importGraphModule(path, options), path);
  if (!known) throw new UserError(path, `unknown graph file type "${ext}"; use .ts, .yaml or .json`);
  const text = await readText(path);
  return ext === ".json" ? parseJson(text, path) : parseYaml(text, path);
}

/** Loads a graph file (see {@linkcode loadGraphData}) and validates it against the schema. */
export async function loadGraphFile(path: string, options: SandboxOptions = {}): Promise<GraphSpec> {
  return parseGraphSpec(await loadGraphData(path, options), path);
}

async function checkFile(path: string, known: boolean): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UserError(path, "no such file");
    throw new UserError(path, `cannot read: ${(e as Error).message.split("\n")[0]}`);
  }
  if (info.isDirectory) {
    throw new UserError(path, "is a directory; give a graph file (.ts, .yaml or .json)");
  }
  if (!info.isFile && known) throw new UserError(path, "is not a regular file");
}

async function readText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UserError(path, "no such file");
    throw new UserError(path, `cannot read: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** A module's default export must at least look like a graph before the schema reads it. */
function checkGraphValue(value: unknown, path: string): unknown {
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

/**
 * YAML text to data; a syntax error becomes `file:line:col: message`. Aliases are expanded with
 * the yaml library's guard against alias bombs ("billion laughs"), which then stops with one line.
 */
export function parseYaml(text: string, path: string): unknown {
  const doc = YAML.parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0] ?? lineCol(text, err.pos[0]);
    throw new UserError(`${path}:${pos.line}:${pos.col}`, err.message.split("\n")[0]);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      throw new UserError(
        path,
        "its aliases expand too far (an alias bomb?); the yaml reader stops at 100 alias expansions",
      );
    }
    throw new UserError(path, `cannot read YAML: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** JSON text to data; a syntax error becomes `file:line:col: message`. */
export function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const at = Number(/position (\d+)/.exec(msg)?.[1] ?? NaN);
    const pos = Number.isNaN(at) ? { line: 1, col: 1 } : lineCol(text, at);
    throw new UserError(
      `${path}:${pos.line}:${pos.col}`,
      msg.replace(/ in JSON at position \d+.*$/, "").split("\n")[0],
    );
  }
}

function lineCol(text: string, offset: number) {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, col: before.at(-1)!.length + 1 };
}
