/**
 * The training protocol of a run: the graph's `training` section (the paper's protocol by default)
 * with overrides laid over it — any field of the TrainingSpec, checked by its schema — and the heads'
 * loss weights; then the learning rate per epoch. Also the parsers of the flags that spell schedules
 * and loss weights.
 *
 * @module
 */
import type { IR } from "../compiler/mod.ts";
import type { TrainConfig } from "../run/config.ts";
import { describeIssue, issuePath, TrainingSpec } from "../schema/mod.ts";
import { UserError } from "../util/errors.ts";
import { type DeepPartial, mergePlain } from "../util/merge.ts";
import { quoted } from "../util/text.ts";

/**
 * Overrides of a graph's training protocol: any TrainingSpec field (nested ones in part, e.g.
 * `{ optimizer: { lr: 3e-3 } }`), plus λ per head (a Map: head names are user data, never object
 * keys). Undefined fields keep the graph's value.
 */
export type TrainOverrides = DeepPartial<TrainingSpec> & { lossWeights?: ReadonlyMap<string, number> };

/** Adam's constants (Keras defaults; tfjs' epsilon default depends on the backend, so it is fixed here). */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

/** The graph's training spec with `overrides` laid over it, checked by the TrainingSpec schema. */
export function applyOverrides(training: TrainingSpec, overrides: DeepPartial<TrainingSpec>): TrainingSpec {
  const parsed = TrainingSpec.safeParse(mergePlain(training, overrides));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new UserError(`training.${issuePath(issue.path)}`, describeIssue(issue));
}

/**
 * Merges the graph's training protocol with overrides. `microBatch` is left to the caller (it depends
 * on the backend and model).
 */
export function resolveProtocol(
  ir: IR,
  training: TrainingSpec,
  o: TrainOverrides,
): Pick<
  TrainConfig,
  "epochs" | "batchSize" | "optimizer" | "schedule" | "augment" | "lossWeighting" | "heads"
> {
  const { lossWeights = new Map<string, number>(), ...overrides } = o;
  for (const name of lossWeights.keys()) {
    if (!ir.heads.some((h) => h.name === name)) {
      throw new UserError(
        "--loss-weight",
        `no head ${quoted(name)} (heads: ${ir.heads.map((h) => h.name).join(", ")})`,
      );
    }
  }
  const t = applyOverrides(training, overrides);
  return {
    epochs: t.epochs,
    batchSize: t.batchSize,
    optimizer: { ...t.optimizer, ...ADAM },
    schedule: [...t.schedule].sort((a, b) => a.afterEpoch - b.afterEpoch),
    augment: t.augment,
    lossWeighting: t.lossWeighting ?? "fixed",
    heads: ir.heads.map((h) => ({
      name: h.name,
      ...(h.attribute ? { attribute: h.attribute } : {}),
      classes: h.classes,
      lossWeight: lossWeights.get(h.name) ?? h.lossWeight,
    })),
  };
}

/** The learning rate of 1-based epoch `epoch`: the last schedule step with `afterEpoch < epoch`. */
export function lrAt(
  config: { optimizer: { lr: number }; schedule: readonly { afterEpoch: number; lr: number }[] },
  epoch: number,
): number {
  let lr = config.optimizer.lr;
  for (const s of config.schedule) if (s.afterEpoch < epoch) lr = s.lr;
  return lr;
}

/**
 * The learning rate and schedule that start at `lr` for epoch 1 and then follow `config`'s rates
 * exactly (`experiment --warmup-lr`: a gentler first epoch after a warm start).
 *
 * @example
 * ```ts
 * firstEpochLr({ optimizer: { lr: 1e-3 }, schedule: [{ afterEpoch: 4, lr: 1e-4 }] }, 1e-4);
 * // { optimizer: { lr: 1e-4 }, schedule: [{ afterEpoch: 1, lr: 1e-3 }, { afterEpoch: 4, lr: 1e-4 }] }
 * ```
 */
export function firstEpochLr(
  config: { optimizer: { lr: number }; schedule: readonly { afterEpoch: number; lr: number }[] },
  lr: number,
): { optimizer: { lr: number }; schedule: { afterEpoch: number; lr: number }[] } {
  const later = config.schedule.filter((s) => s.afterEpoch >= 2).sort((a, b) => a.afterEpoch - b.afterEpoch);
  return { optimizer: { lr }, schedule: [{ afterEpoch: 1, lr: lrAt(config, 2) }, ...later] };
}

/** Parses `--lr-schedule 25:1e-4,40:1e-5` (epochs completed : lr); `none` for a constant rate. */
export function parseSchedule(text: string): { afterEpoch: number; lr: number }[] {
  if (text.trim() === "none" || text.trim() === "") return [];
  return text.split(",").map((part) => {
    const m = part.trim().match(/^(\d+)\s*:\s*([0-9.eE+-]+)$/);
    const lr = m ? Number(m[2]) : NaN;
    if (!m || !(lr > 0) || !Number.isFinite(lr) || !Number.isSafeInteger(Number(m[1]))) {
      throw new UserError(
        "--lr-schedule",
        `expected EPOCH:LR[,EPOCH:LR…] (e.g. 25:1e-4), got ${quoted(part.trim())}`,
      );
    }
    return { afterEpoch: Number(m[1]), lr };
  });
}

/** Parses `--loss-weight smile=1,gender=0.5` (each head once; λ a finite number ≥ 0). */
export function parseLossWeights(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of text.split(",")) {
    const [name, value, ...rest] = part.split("=").map((s) => s.trim());
    const w = Number(value);
    if (!name || value === undefined || value === "" || rest.length || !(w >= 0) || !Number.isFinite(w)) {
      throw new UserError("--loss-weight", `expected HEAD=WEIGHT[,HEAD=WEIGHT…], got ${quoted(part.trim())}`);
    }
    if (out.has(name)) throw new UserError("--loss-weight", `head ${quoted(name)} is given twice`);
    out.set(name, w);
  }
  return out;
}
