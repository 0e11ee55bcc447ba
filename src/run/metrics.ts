/**
 * A run's `metrics.jsonl`: one JSON record per finished epoch, appended as the epoch ends. A torn
 * last line from a killed process is ignored; any other line that is not an epoch record is a user
 * error naming `metrics.jsonl:<line>` and the field, except on resume, which keeps a copy of the
 * damaged file and goes on with the records it can read. `metrics.csv` holds the same records as flat
 * rows (one per epoch, like Keras' CSVLogger), rewritten whole after each epoch.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { describeIssue, issuePath } from "../schema/mod.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { csvLine } from "../util/csv.ts";
import { osReason, UserError } from "../util/errors.ts";
import { METRICS_CSV_FILE, METRICS_FILE } from "./files.ts";

const perHead = z.record(z.string(), z.number());

/** One line of metrics.jsonl: what an epoch did. Per-head values are keyed by head name. */
export const EpochRecord = z.strictObject({
  epoch: z.number().int().positive(),
  /** Optimizer steps done at the end of the epoch. */
  step: z.number().int().min(0),
  lr: z.number(),
  /** Mean over the epoch's training examples of the objective: Σ λ_h CE_h, or the loss weighting's. */
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
  /** Weight of each head's loss at the epoch's end: λ, or λ·w of a loss weighting (absent in older runs). */
  lossWeights: perHead.optional(),
  /** Uncertainty weighting's learned log-variances s_h at the epoch's end. */
  logVariance: perHead.optional(),
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
  await writeMetricsCsv(runDir, kept);
  return { kept, bad, ...(backup ? { backup } : {}) };
}

/**
 * The records as CSV, one row per epoch: `epoch, step, lr, loss`, per head `<h>_loss` and
 * `<h>_accuracy` (training), `val_<h>_loss` and `val_<h>_accuracy`, `val_mean_accuracy`, per head
 * `<h>_loss_weight` (and `<h>_log_variance` when the run learns them), then the timings. A value a
 * record lacks is an empty cell.
 */
export function metricsCsv(records: readonly EpochRecord[]): string {
  const heads = [...new Set(records.flatMap((r) => Object.keys(r.headLoss)))];
  const hasLogVariance = records.some((r) => r.logVariance);
  const columns: [string, (r: EpochRecord) => number | undefined][] = [
    ["epoch", (r) => r.epoch],
    ["step", (r) => r.step],
    ["lr", (r) => r.lr],
    ["loss", (r) => r.loss],
    ...heads.flatMap((h): [string, (r: EpochRecord) => number | undefined][] => [
      [`${h}_loss`, (r) => r.headLoss[h]],
      [`${h}_accuracy`, (r) => r.trainAccuracy[h]],
    ]),
    ...heads.flatMap((h): [string, (r: EpochRecord) => number | undefined][] => [
      [`val_${h}_loss`, (r) => r.valLoss[h]],
      [`val_${h}_accuracy`, (r) => r.valAccuracy[h]],
    ]),
    ["val_mean_accuracy", (r) => r.meanValAccuracy],
    ...heads.map((h): [string, (r: EpochRecord) => number | undefined] => [
      `${h}_loss_weight`,
      (r) => r.lossWeights?.[h],
    ]),
    ...(hasLogVariance
      ? heads.map((h): [string, (r: EpochRecord) => number | undefined] => [
        `${h}_log_variance`,
        (r) => r.logVariance?.[h],
      ])
      : []),
    ["images_per_second", (r) => r.imagesPerSecond],
    ["seconds", (r) => r.seconds],
    ["val_seconds", (r) => r.valSeconds],
  ];
  const lines = [
    csvLine(columns.map(([name]) => name)),
    ...records.map((r) => csvLine(columns.map(([, get]) => get(r)))),
  ];
  return lines.join("\n") + "\n";
}

/** Rewrites the run's metrics.csv from `records` (whole or not at all). */
export async function writeMetricsCsv(runDir: string, records: readonly EpochRecord[]): Promise<void> {
  await writeFileAtomic(join(runDir, METRICS_CSV_FILE), metricsCsv(records));
}
