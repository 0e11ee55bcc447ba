/**
 * A run's `metrics.jsonl`: one JSON record per finished epoch, appended as the epoch ends. A torn
 * line from a killed process is ignored; a record that parses as JSON but not as an epoch record is
 * a user error naming `metrics.jsonl:<line>` and the field.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { describeIssue, issuePath } from "../schema/mod.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";
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

/** Every complete record of metrics.jsonl (a torn line from a killed run is ignored). */
export async function readMetrics(runDir: string): Promise<EpochRecord[]> {
  const path = join(runDir, METRICS_FILE);
  let text = "";
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  const out: EpochRecord[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      continue; // torn write
    }
    const parsed = EpochRecord.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issuePath(issue.path);
      throw new UserError(`${path}:${i + 1}${where ? `: ${where}` : ""}`, describeIssue(issue));
    }
    out.push(parsed.data);
  }
  return out;
}

/** Appends one epoch's record. */
export async function appendMetrics(runDir: string, record: EpochRecord): Promise<void> {
  await Deno.writeTextFile(join(runDir, METRICS_FILE), JSON.stringify(record) + "\n", { append: true });
}

/** Keeps only the records of epochs before `epoch` (on resume: later ones will be recomputed). */
export async function truncateMetrics(runDir: string, epoch: number): Promise<EpochRecord[]> {
  const kept = (await readMetrics(runDir)).filter((r) => r.epoch < epoch);
  await writeFileAtomic(join(runDir, METRICS_FILE), kept.map((r) => JSON.stringify(r) + "\n").join(""));
  return kept;
}
