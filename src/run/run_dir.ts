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
import { osReason, UserError } from "../util/errors.ts";
import { markOwned } from "../util/owned_dir.ts";
import { quoted } from "../util/text.ts";
import { parseRunConfig, type RunConfig } from "./config.ts";
import { CONFIG_FILE, SPEC_FILE } from "./files.ts";

/** What a run id may be: it names a folder, so no `/`, no leading dot, no control characters. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Checks a run id chosen by the user; `flag` names where it came from in the message. */
export function checkRunId(id: string, flag = "--run-id"): string {
  if (!RUN_ID_PATTERN.test(id)) {
    throw new UserError(
      flag,
      `${quoted(id)} is not a run id: use up to 100 letters, digits, '.', '_' or '-', ` +
        "starting with a letter or digit",
    );
  }
  return id;
}

/**
 * Makes a new run directory `root/<graphName>/<id>` and marks it as this project's. Without `id`, the
 * id comes from the clock (`20250101-120000`, made unique with `-2`, `-3`, …); a given `id` must be
 * new (an existing run is continued with --resume, never overwritten).
 */
export async function newRunDir(root: string, graphName: string, id?: string): Promise<string> {
  if (id !== undefined) checkRunId(id);
  if (!RUN_ID_PATTERN.test(graphName)) {
    throw new UserError(quoted(graphName), "a graph name must be a plain folder name");
  }
  const parent = join(root, graphName);
  await Deno.mkdir(parent, { recursive: true });
  const base = id ?? new Date().toISOString().replace(/\.\d+Z$/, "").replace(/[-:]/g, "").replace("T", "-");
  for (let n = 1;; n++) {
    const dir = join(parent, n === 1 ? base : `${base}-${n}`);
    try {
      await Deno.mkdir(dir);
      await markOwned(dir, "train");
      return dir;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      if (id !== undefined) {
        throw new UserError(
          dir,
          "run directory exists already (continue it with --resume, or choose another --run-id)",
        );
      }
    }
  }
}

/** Writes config.json (checked against the schema first: a run never records what it cannot read). */
export async function writeRunConfig(runDir: string, config: RunConfig): Promise<void> {
  const checked = parseRunConfig(config, join(runDir, CONFIG_FILE));
  await writeFileAtomic(join(runDir, CONFIG_FILE), JSON.stringify(checked, null, 2) + "\n");
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new UserError(path, `unreadable: ${osReason(e)}`);
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
