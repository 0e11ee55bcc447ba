/**
 * Warm start (`--init-from`): fills a model's weights from another saved model by weight name
 * (`conv4_block6_3_conv/kernel`). Layer names come from graph paths, so a trained TMTL run initialises
 * the attention MTL (the paper's protocol), and Keras-named ResNet50 weights converted to tfjs fill
 * the ResNet50 trunk. A head's branch copy of a block (`smile/conv5_block3_1_conv/kernel`) that has no
 * exact match falls back to the unprefixed name (`conv5_block3_1_conv/kernel`), so one pretrained
 * block fills every branch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { dirname, join } from "node:path";
import { UserError } from "../util/errors.ts";
// The files, not run/mod.ts: that would load the data layer (sharp) for a warm start.
import { BEST_DIR, CONFIG_FILE } from "../run/files.ts";
import { MODEL_FILE, readWeights } from "../run/model_files.ts";
import { checkSavedModel } from "../run/verify.ts";
import { findCheckpoint } from "../run/weights.ts";
import { exists } from "../util/fs.ts";

/** What a warm start did, weight by weight. */
export interface WarmStartReport {
  /** The model.json the weights came from. */
  source: string;
  /** Weights filled (exact name or unprefixed fallback). */
  matched: string[];
  /** Of `matched`, those filled from the unprefixed name. */
  fromUnprefixed: string[];
  /** Model weights the source does not have (they keep their initial values). */
  fresh: string[];
  /** Weights found under a usable name but with another shape (left as initialised). */
  skipped: { name: string; expected: number[]; found: number[] }[];
  /** How many source weights no model weight asked for (by name). */
  unused: number;
}

/** The newest run (by the time of its config.json) among the sub-directories of `dir`. */
async function newestRun(dir: string): Promise<string | null> {
  let best: { path: string; time: number } | null = null;
  for await (const e of Deno.readDir(dir)) {
    if (!e.isDirectory) continue;
    const path = join(dir, e.name);
    const time = await Deno.stat(join(path, CONFIG_FILE)).then((s) => s.mtime?.getTime() ?? 0, () => -1);
    if (time >= 0 && (!best || time > best.time)) best = { path, time };
  }
  return best?.path ?? null;
}

/** A model.json checked before use: its folder's manifest (when it has one) and its weight files. */
async function checked(modelJson: string): Promise<string> {
  const damage = await checkSavedModel(dirname(modelJson));
  if (damage) throw new UserError(damage.file, `${damage.detail}; cannot warm-start from it`);
  return modelJson;
}

/**
 * The model.json behind `from`, checked (see src/run/verify.ts): a model.json file; a directory
 * holding one; a run directory (its `best/` model — an error when damaged, never a silent switch —
 * else its newest intact checkpoint); a checkpoint directory; or a graph's folder of runs
 * (`runs/tmtl`: its newest run).
 */
export async function resolveModelSource(from: string): Promise<string> {
  if (from.endsWith(".json")) {
    if (!(await exists(from))) throw new UserError(from, "file not found");
    return await checked(from);
  }
  if (!(await exists(from))) {
    throw new UserError(from, "not found (expected a run directory or a model.json)");
  }
  if (await exists(join(from, MODEL_FILE))) return await checked(join(from, MODEL_FILE));
  // A run's best/, when there is one, is what it offers: damaged, it is an error, not a switch.
  if (await exists(join(from, BEST_DIR))) return await checked(join(from, BEST_DIR, MODEL_FILE));
  const found = await findCheckpoint(from);
  if (found.dir) return join(found.dir, MODEL_FILE);
  if (found.damaged.length) {
    throw new UserError(
      found.damaged[0].file,
      `${found.damaged[0].detail}; the run has no intact checkpoint`,
    );
  }
  const run = (await Deno.stat(from)).isDirectory ? await newestRun(from) : null;
  if (run) return await resolveModelSource(run);
  throw new UserError(from, "no model.json here, and no best/ model or checkpoint of a run");
}

/** Splits `smile/conv5_block3_1_conv/kernel` into a head prefix and the rest, if the prefix is a head. */
function unprefixed(name: string, heads: readonly string[]): string | undefined {
  const slash = name.indexOf("/");
  if (slash < 0) return undefined;
  return heads.includes(name.slice(0, slash)) ? name.slice(slash + 1) : undefined;
}

/**
 * Copies every weight of the source whose name (or, for `<head>/<rest>`, unprefixed name) and shape
 * match into `model`. `heads` are the model's head names (the prefixes the fallback strips).
 */
export async function warmStart(
  model: tf.LayersModel,
  from: string,
  heads: readonly string[],
): Promise<WarmStartReport> {
  const source = await resolveModelSource(from);
  const raw = await readWeights(source);
  // Some converters keep TensorFlow's ":0" output suffix on weight names. Names are the file's data: a Map.
  const weights = new Map(Object.entries(raw).map(([k, t]) => [k.replace(/:0$/, ""), t]));
  const report: WarmStartReport = {
    source,
    matched: [],
    fromUnprefixed: [],
    fresh: [],
    skipped: [],
    unused: 0,
  };
  const used = new Set<string>();
  try {
    for (const w of model.weights) {
      const name = w.originalName;
      const exact = weights.has(name);
      const short = exact ? undefined : unprefixed(name, heads);
      const key = exact ? name : short !== undefined && weights.has(short) ? short : undefined;
      if (key === undefined) {
        report.fresh.push(name);
        continue;
      }
      const t = weights.get(key)!;
      const expected = w.shape as number[];
      if (!tf.util.arraysEqual(t.shape, expected)) {
        report.skipped.push({ name, expected, found: t.shape });
        used.add(key);
        continue;
      }
      tf.tidy(() => {
        w.write(t.dtype === w.dtype ? t : tf.cast(t, w.dtype));
      });
      used.add(key);
      report.matched.push(name);
      if (key !== name) report.fromUnprefixed.push(name);
    }
    report.unused = [...weights.keys()].filter((k) => !used.has(k)).length;
  } finally {
    tf.dispose(Object.values(raw));
  }
  return report;
}

/** The lines a command prints after a warm start. */
export function formatWarmStart(r: WarmStartReport): string {
  const lines = [
    `init-from ${r.source}: ${r.matched.length} weights matched` +
    (r.fromUnprefixed.length ? ` (${r.fromUnprefixed.length} from unprefixed names)` : "") +
    `, ${r.fresh.length} new, ${r.skipped.length} skipped (shape mismatch)` +
    (r.unused ? `, ${r.unused} source weights unused` : ""),
  ];
  for (const s of r.skipped.slice(0, 5)) {
    lines.push(`  skipped ${s.name}: model [${s.expected.join(",")}], source [${s.found.join(",")}]`);
  }
  if (r.skipped.length > 5) lines.push(`  … and ${r.skipped.length - 5} more`);
  return lines.join("\n");
}
