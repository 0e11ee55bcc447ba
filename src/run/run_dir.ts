/**
 * Making a run directory and reading and writing what describes it: `config.json` (the resolved
 * configuration, parsed on read) and `spec.json` (the graph spec it was built from).
 *
 * @module
 */
import { join } from "node:path";
import { parseJson } from "../compiler/mod.ts";
import { type GraphSpec, parseGraphSpec } from "../schema/mod.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";
import { parseRunConfig, RunConfig } from "./config.ts";
import { CONFIG_FILE, SPEC_FILE } from "./files.ts";

/** A run id from the clock: `20250101-120000`, made unique in `parent` with `-2`, `-3`, … */
export async function newRunDir(root: string, graphName: string, id?: string): Promise<string> {
  const parent = join(root, graphName);
  await Deno.mkdir(parent, { recursive: true });
  const base = id ?? new Date().toISOString().replace(/\.\d+Z$/, "").replace(/[-:]/g, "").replace("T", "-");
  for (let n = 1;; n++) {
    const dir = join(parent, n === 1 ? base : `${base}-${n}`);
    try {
      await Deno.mkdir(dir);
      return dir;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      if (id !== undefined) {
        throw new UserError(dir, "run directory exists already (use --resume to continue it)");
      }
    }
  }
}

/** Writes config.json (checked against the schema first: a run never records what it cannot read). */
export async function writeRunConfig(runDir: string, config: RunConfig): Promise<void> {
  const checked = RunConfig.parse(config);
  await writeFileAtomic(join(runDir, CONFIG_FILE), JSON.stringify(checked, null, 2) + "\n");
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new UserError(path, `unreadable: ${(e as Error).message}`);
  }
}

/** Reads and checks config.json of a run directory; a problem is one line naming the file and field. */
export async function readRunConfig(runDir: string): Promise<RunConfig> {
  const path = join(runDir, CONFIG_FILE);
  const text = await readText(path);
  if (text === undefined) throw new UserError(runDir, "not a run directory (no config.json)");
  return parseRunConfig(parseJson(text, path), path);
}

/** Writes spec.json: the graph spec (plain data) the run's model is built from. */
export async function writeRunSpec(runDir: string, spec: GraphSpec): Promise<void> {
  await writeFileAtomic(join(runDir, SPEC_FILE), JSON.stringify(spec, null, 2) + "\n");
}

/** The run's stored graph spec, or undefined for a run made before specs were stored. */
export async function readRunSpec(runDir: string): Promise<GraphSpec | undefined> {
  const path = join(runDir, SPEC_FILE);
  const text = await readText(path);
  return text === undefined ? undefined : parseGraphSpec(parseJson(text, path), path);
}
