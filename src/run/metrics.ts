/**
 * A run's `metrics.jsonl`: one JSON record per finished epoch, appended as the epoch ends. A torn
 * last line from a killed process is ignored; any other line that is not an epoch record is a user
 * error naming `metrics.jsonl:<line>` and the field, except on resume, which keeps a copy of the
 * damaged file and goes on with the records it can read.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { describeIssue, issuePath } from "../schema/mod.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { osReason, UserError } from "../util/errors.ts";
import { METRICS_FILE } from "./files.ts";

const perHead = z.record(z.string(), z.number());

/** One line of metrics.jsonl: what an epoch did. Per-head values are keyed by head name. */
export const EpochRecord = z.strictObject({
  epoch: z.number().int().positive(),
  /** Optimizer steps done at the end of the epoch. */
  step: z.number().int().min(0),
  lr: z.number(),
  /** Mean over the epoch's training examples of Σ λ_h CE_h. */
  loss: z.number(),
  /** Training cross-entropy per head (mean over the epoch, in training mode). */
  headLoss: perHead,
  trainAccuracy: perHead,
  valLoss: perHead,
  valAccuracy: perHead,
  /** Mean of valAccuracy over heads: what `best/` is chosen by. */
  meanValAccuracy: z.number(),
  imagesPerSecond: z.number(),
  /** Seconds of training steps in the epoch (validation excluded). */
  seconds: z.number(),
  /** Seconds the validation pass took. */
  valSeconds: z.number(),
});
/** One line of metrics.jsonl. */
export type EpochRecord = z.infer<typeof EpochRecord>;

/** A line of metrics.jsonl that is not an epoch record. */
export interface BadMetricsLine {
  /** `metrics.jsonl:<line>[: field]`. */
  where: string;
  detail: string;
}

/** Every line of metrics.jsonl: the epoch records, and the lines that are not (torn, altered). */
async function scanMetrics(runDir: string): Promise<{ records: EpochRecord[]; bad: BadMetricsLine[] }> {
  const path = join(runDir, METRICS_FILE);
  let text = "";
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { records: [], bad: [] };
    throw new UserError(path, `unreadable: ${osReason(e)}`);
  }
  const records: EpochRecord[] = [];
  const bad: BadMetricsLine[] = [];
  const lines = text.split("\n");
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      // The last line torn by a killed process is expected; a torn line elsewhere is damage.
      if (i < lines.length - 1) bad.push({ where: `${path}:${i + 1}`, detail: "not valid JSON" });
      continue;
    }
    const parsed = EpochRecord.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issuePath(issue.path);
      bad.push({ where: `${path}:${i + 1}${field ? `: ${field}` : ""}`, detail: describeIssue(issue) });
      continue;
    }
    records.push(parsed.data);
  }
  return { records, bad };
}

/**
 * Every complete record of metrics.jsonl. A torn last line from a killed run is ignored; any other
 * line that is not an epoch record is a UserError naming `metrics.jsonl:<line>` and the field.
 */
export async function readMetrics(runDir: string): Promise<EpochRecord[]> {
  const { records, bad } = await scanMetrics(runDir);
  if (bad.length) throw new UserError(bad[0].where, bad[0].detail);
  return records;
}

/** Appends one epoch's record. */
export async function appendMetrics(runDir: string, record: EpochRecord): Promise<void> {
  await Deno.writeTextFile(join(runDir, METRICS_FILE), JSON.stringify(record) + "\n", { append: true });
}

/** What {@link truncateMetrics} kept, and where damaged lines were saved. */
export interface TruncatedMetrics {
  kept: EpochRecord[];
  /** Lines that were not epoch records; the whole file was first copied to `backup`. */
  bad: BadMetricsLine[];
  backup?: string;
}

/**
 * Keeps only the records of epochs before `epoch` (on resume: later ones will be recomputed). Lines
 * that are not records are not silently dropped: the file is first copied beside itself
 * (`metrics.jsonl.damaged-<time>`), and the caller is told.
 */
export async function truncateMetrics(runDir: string, epoch: number): Promise<TruncatedMetrics> {
  const { records, bad } = await scanMetrics(runDir);
  const path = join(runDir, METRICS_FILE);
  let backup: string | undefined;
  if (bad.length) {
    backup = `${path}.damaged-${new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "")}`;
    await Deno.copyFile(path, backup);
  }
  const kept = records.filter((r) => r.epoch < epoch);
  await writeFileAtomic(path, kept.map((r) => JSON.stringify(r) + "\n").join(""));
  return { kept, bad, ...(backup ? { backup } : {}) };
}
