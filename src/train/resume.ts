/**
 * Reopening a run for `--resume`: the run is locked first (a second process is refused), its graph
 * is rebuilt from the stored spec.json (the graph file is not read again), and the newest intact
 * checkpoint is restored — a damaged one is moved aside with one line and the one before it used.
 * Changes to the configuration are explicit: only the epochs (never below what is done), the learning
 * rate from here on, the checkpoint interval and the divergence limits may change, each checked
 * before anything is written and recorded in config.json's `resumes`.
 *
 * @module
 */
import { basename, join } from "node:path";
import { lowerToModel } from "../compiler/lower.ts";
import {
  BEST_DIR,
  checkCheckpoint,
  checkpointDirs,
  CHECKPOINTS_DIR,
  checkSavedModel,
  type ConfigChange,
  type Damage,
  describeDamage,
  type GuardConfig,
  lockRun,
  readRunConfig,
  recoverDir,
  type RunConfig,
  runGraph,
  takeOverNote,
  truncateMetrics,
  writeRunConfig,
} from "../run/mod.ts";
import { UserError } from "../util/errors.ts";
import { lossWeightingVariables } from "./loss_weighting.ts";
import { restoreCheckpoint } from "./checkpoint.ts";
import type { LoopState } from "./loop_state.ts";
import { createOptimizer } from "./optimizer.ts";
import { lrAt } from "./protocol.ts";
import type { PreparedRun } from "./setup.ts";

/** What `--resume` may change, each undefined where not given. */
export interface ResumeOptions {
  /** Train to this many epochs (never fewer than are done). */
  epochs?: number;
  /** The learning rate from the resumed epoch on (replacing later schedule steps unless `schedule`). */
  lr?: number;
  /** Schedule steps from the resumed epoch on (`afterEpoch` ≥ epochs done). */
  schedule?: { afterEpoch: number; lr: number }[];
  checkpointEvery?: number;
  guard?: Partial<GuardConfig>;
  /** The command line, recorded with the changes. */
  command?: string[];
  /** Where warnings go (a damaged checkpoint moved aside, damaged metrics lines); default stderr. */
  warn?: (line: string) => void;
}

type Schedule = RunConfig["schedule"];

/** A folder name beside `dir` that does not exist yet: `damaged-<name>`, `-2`, `-3`, … */
async function asideName(parent: string, name: string): Promise<string> {
  for (let n = 1;; n++) {
    const path = join(parent, `damaged-${name}${n === 1 ? "" : `-${n}`}`);
    if (!(await Deno.stat(path).then(() => true, () => false))) return path;
  }
}

/** Epochs a checkpoint's position has finished (a partly done epoch counts as needed). */
function epochsNeeded(start: LoopState): number {
  return start.batch > 0 ? start.epoch : start.epoch - 1;
}

/** The schedule after `--lr`/`--lr-schedule` on resume at `start`; throws on steps in the past. */
function resumedSchedule(stored: RunConfig, start: LoopState, o: ResumeOptions): Schedule {
  const from = start.epoch - 1; // schedule steps with afterEpoch ≥ from act on the resumed epoch on
  if (o.lr === undefined && o.schedule === undefined) return stored.schedule;
  for (const s of o.schedule ?? []) {
    if (s.afterEpoch < from || (o.lr !== undefined && s.afterEpoch === from)) {
      throw new UserError(
        "--lr-schedule",
        `step ${s.afterEpoch}:${s.lr} is in the past: the run resumes in epoch ${start.epoch}, so steps need ` +
          `EPOCH ≥ ${o.lr === undefined ? from : from + 1}${
            o.lr === undefined ? "" : " (--lr sets the rate from now)"
          }`,
      );
    }
  }
  const past = stored.schedule.filter((s) => s.afterEpoch < from);
  const now = o.lr === undefined ? [] : [{ afterEpoch: from, lr: o.lr }];
  return [...past, ...now, ...(o.schedule ?? [])].sort((a, b) => a.afterEpoch - b.afterEpoch);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The configuration after the resume's changes, and the list of what changed. */
function applyChanges(
  stored: RunConfig,
  start: LoopState,
  o: ResumeOptions,
): { config: RunConfig; changes: ConfigChange[] } {
  const config: RunConfig = { ...stored };
  if (o.epochs !== undefined && o.epochs < epochsNeeded(start)) {
    const done = start.epoch - 1;
    throw new UserError(
      `--epochs ${o.epochs}`,
      `the run has finished ${done} epoch${done === 1 ? "" : "s"}${
        start.batch ? ` and is part way through epoch ${start.epoch}` : ""
      }; ` +
        `give ${epochsNeeded(start)} or more (config.json is unchanged)`,
    );
  }
  if (o.epochs !== undefined) config.epochs = o.epochs;
  config.schedule = resumedSchedule(stored, start, o);
  if (o.checkpointEvery !== undefined) config.checkpointEvery = o.checkpointEvery;
  config.guard = {
    maxGradNorm: o.guard?.maxGradNorm ?? stored.guard.maxGradNorm,
    maxWeight: o.guard?.maxWeight ?? stored.guard.maxWeight,
  };
  const changes: ConfigChange[] = [];
  for (const field of ["epochs", "schedule", "checkpointEvery", "guard"] as const) {
    if (!same(stored[field], config[field])) changes.push({ field, from: stored[field], to: config[field] });
  }
  return { config, changes };
}

/** A line per change for the user: `epochs 3 → 5`, `lr 0.001 → 0.0001 from epoch 4`. */
function describeChanges(
  stored: RunConfig,
  config: RunConfig,
  start: LoopState,
  changes: ConfigChange[],
): string[] {
  return changes.map((c) => {
    if (c.field === "schedule") {
      const before = lrAt(stored, start.epoch), after = lrAt(config, start.epoch);
      const steps = config.schedule.map((s) => `${s.afterEpoch}:${s.lr}`).join(",") || "none";
      return `changed: lr ${before} → ${after} from epoch ${start.epoch} (schedule now ${steps})`;
    }
    return `changed: ${c.field} ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`;
  });
}

/**
 * Reopens a run for `--resume` (see the module comment). The returned run holds the run's lock;
 * `executeRun` releases it when training ends.
 */
export async function prepareResume(runDir: string, o: ResumeOptions = {}): Promise<PreparedRun> {
  const warn = o.warn ?? ((line: string) => console.error(line));
  const stored = await readRunConfig(runDir);
  const lock = await lockRun(runDir, (o.command ?? ["train", "--resume", runDir]).join(" "));
  try {
    const notes: string[] = [];
    const took = takeOverNote(lock);
    if (took) notes.push(took);
    await recoverDir(join(runDir, BEST_DIR));
    const { ir, fromSpec } = await runGraph(runDir, stored);

    // The newest intact checkpoint; damaged newer ones are moved aside only once one is found.
    const damaged: { dir: string; damage: Damage }[] = [];
    let ckpt: string | null = null;
    for (const dir of await checkpointDirs(runDir)) {
      const damage = await checkCheckpoint(dir);
      if (!damage) {
        ckpt = dir;
        break;
      }
      damaged.push({ dir, damage });
    }
    if (!ckpt) {
      if (damaged.length) {
        throw new UserError(
          damaged[0].damage.file,
          `${damaged[0].damage.detail}; no intact checkpoint to resume from`,
        );
      }
      throw new UserError(runDir, "no checkpoint to resume from (the run stopped before its first one)");
    }
    const model = lowerToModel(ir);
    const optimizer = createOptimizer(stored);
    const start = await restoreCheckpoint(
      ckpt,
      model,
      optimizer,
      lossWeightingVariables(stored.lossWeighting),
    );
    const { config, changes } = applyChanges(stored, start, o);

    // Checked: from here on the run is changed.
    for (const { dir, damage } of damaged) {
      const aside = await asideName(join(runDir, CHECKPOINTS_DIR), basename(dir));
      await Deno.rename(dir, aside);
      warn(
        `warning: ${
          describeDamage(damage)
        }; moved that checkpoint to ${aside}, resuming from the one before it`,
      );
    }
    const best = join(runDir, BEST_DIR);
    const bestDamage = await Deno.stat(best).then(() => checkSavedModel(best), () => null);
    if (bestDamage) {
      const aside = await asideName(runDir, BEST_DIR);
      await Deno.rename(best, aside);
      warn(
        `warning: ${
          describeDamage(bestDamage)
        }; moved best/ to ${aside}; the next epoch end writes a new one`,
      );
      start.best = null;
    } else if (start.best && !(await Deno.stat(best).then(() => true, () => false))) {
      warn(`warning: ${best} is missing; the next epoch end writes a new one`);
      start.best = null;
    }
    config.resumes = [...(stored.resumes ?? []), {
      at: new Date().toISOString(),
      step: start.step,
      epoch: start.epoch,
      batch: start.batch,
      command: o.command ?? ["train", "--resume", runDir],
      changes,
    }];
    await writeRunConfig(runDir, config);
    const metrics = await truncateMetrics(runDir, start.epoch);
    if (metrics.bad.length) {
      warn(
        `warning: ${metrics.bad[0].where}: ${metrics.bad[0].detail}` +
          `${metrics.bad.length > 1 ? ` (and ${metrics.bad.length - 1} more lines)` : ""}; ` +
          `kept a copy as ${metrics.backup} and went on with the ${metrics.kept.length} readable epochs`,
      );
    }
    const where = start.batch
      ? `epoch ${start.epoch}, batch ${start.batch}`
      : `the start of epoch ${start.epoch}`;
    notes.push(`resuming ${runDir} from ${ckpt} (step ${start.step}, ${where})`);
    notes.push(...describeChanges(stored, config, start, changes));
    if (!fromSpec) {
      notes.push(`note: the run has no spec.json (made by an older version); rebuilt from ${stored.graph}`);
    }
    return { runDir, config, model, optimizer, start, checkpoint: ckpt, history: metrics.kept, notes, lock };
  } catch (e) {
    lock.release();
    throw e;
  }
}
