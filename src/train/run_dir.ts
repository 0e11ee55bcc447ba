/**
 * A run's directory, `runs/<graph>/<id>/`: `config.json` (the resolved configuration),
 * `metrics.jsonl` (one JSON record per finished epoch), `checkpoints/`, `best/` and the curves.
 *
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";
import type { TrainConfig } from "./config.ts";

/** One line of metrics.jsonl: what an epoch did. Per-head values are keyed by head name. */
export interface EpochRecord {
  epoch: number;
  /** Optimizer steps done at the end of the epoch. */
  step: number;
  lr: number;
  /** Mean over the epoch's training examples of Σ λ_h CE_h. */
  loss: number;
  /** Training cross-entropy per head (mean over the epoch, in training mode). */
  headLoss: Record<string, number>;
  trainAccuracy: Record<string, number>;
  valLoss: Record<string, number>;
  valAccuracy: Record<string, number>;
  /** Mean of valAccuracy over heads: what `best/` is chosen by. */
  meanValAccuracy: number;
  imagesPerSecond: number;
  /** Seconds of training steps in the epoch (validation excluded). */
  seconds: number;
  /** Seconds the validation pass took. */
  valSeconds: number;
}

/** The stored config of a run: the training configuration plus when and how it was made. */
export interface RunConfig extends TrainConfig {
  createdAt: string;
  /** The command line that started the run. */
  command: string[];
}

const CONFIG = "config.json";
const METRICS = "metrics.jsonl";

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

/** Writes config.json. */
export async function writeRunConfig(runDir: string, config: RunConfig): Promise<void> {
  await writeFileAtomic(join(runDir, CONFIG), JSON.stringify(config, null, 2) + "\n");
}

/** Reads config.json of a run directory. */
export async function readRunConfig(runDir: string): Promise<RunConfig> {
  const path = join(runDir, CONFIG);
  try {
    return JSON.parse(await Deno.readTextFile(path)) as RunConfig;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new UserError(runDir, "not a run directory (no config.json)");
    }
    throw new UserError(path, `unreadable: ${(e as Error).message}`);
  }
}

/** Every complete record of metrics.jsonl (a torn last line from a killed run is ignored). */
export async function readMetrics(runDir: string): Promise<EpochRecord[]> {
  let text = "";
  try {
    text = await Deno.readTextFile(join(runDir, METRICS));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  const out: EpochRecord[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // torn write
    }
  }
  return out;
}

/** Appends one epoch's record. */
export async function appendMetrics(runDir: string, record: EpochRecord): Promise<void> {
  await Deno.writeTextFile(join(runDir, METRICS), JSON.stringify(record) + "\n", { append: true });
}

/** Keeps only the records of epochs before `epoch` (on resume: later ones will be recomputed). */
export async function truncateMetrics(runDir: string, epoch: number): Promise<EpochRecord[]> {
  const kept = (await readMetrics(runDir)).filter((r) => r.epoch < epoch);
  await writeFileAtomic(join(runDir, METRICS), kept.map((r) => JSON.stringify(r) + "\n").join(""));
  return kept;
}
