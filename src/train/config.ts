/**
 * The resolved training configuration of a run: the paper's protocol as defaults, overridden by the
 * graph's `training` section, then by command-line flags. What a run records in `config.json` and
 * what `--resume` reads back.
 *
 * @module
 */
import type { IR } from "../compiler/mod.ts";
import type { TrainingSpec } from "../schema/mod.ts";
import { UserError } from "../util/errors.ts";

/** One head as the trainer sees it. */
export interface HeadConfig {
  name: string;
  attribute?: string;
  classes: string[];
  /** λ: the head's weight in the summed loss. */
  lossWeight: number;
}

/** Everything that decides what a run computes (and a little that does not: backend, paths). */
export interface TrainConfig {
  /** Graph file the model came from, and the graph's name (the run's parent folder). */
  graph: string;
  graphName: string;
  /** Dataset: a CelebA-layout folder or a dataset spec. */
  data: string;
  skipBad: boolean;
  /** Square input side the model is built and the images are resized to. */
  inputSize: number;
  epochs: number;
  /** Examples per optimizer step. */
  batchSize: number;
  /** Examples per forward/backward pass; gradients of ⌈batchSize / microBatch⌉ passes are summed. */
  microBatch: number;
  optimizer: { kind: "adam"; lr: number; beta1: number; beta2: number; epsilon: number };
  /** From `afterEpoch` epochs completed on, use `lr`. */
  schedule: { afterEpoch: number; lr: number }[];
  /** Flip left-right with probability ½; shift by up to `shift` × side in x and y. */
  augment: { flip: boolean; shift: number };
  heads: HeadConfig[];
  /** Seeds initial weights, batch order, augmentation and in-model randomness (dropout). */
  seed: number;
  /** Also checkpoint every this many optimizer steps (0: only at epoch ends). */
  checkpointEvery: number;
  /** Backend the run was started on (informational: resuming elsewhere may differ in the last bits). */
  backend: string;
  /** Warm start source, if any. */
  initFrom?: string;
}

/** Overrides from the command line; undefined fields keep the graph's value. */
export interface TrainOverrides {
  epochs?: number;
  batchSize?: number;
  microBatch?: number;
  lr?: number;
  schedule?: { afterEpoch: number; lr: number }[];
  flip?: boolean;
  shift?: number;
  lossWeights?: Record<string, number>;
}

/** Adam's constants (Keras defaults; tfjs' epsilon default depends on the backend, so it is fixed here). */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

/**
 * Merges the graph's training protocol with command-line overrides. `microBatch` is left to the
 * caller (it depends on the backend and model); pass 0 here to mean "not chosen yet".
 */
export function resolveProtocol(
  ir: IR,
  training: TrainingSpec,
  o: TrainOverrides,
): Pick<TrainConfig, "epochs" | "batchSize" | "optimizer" | "schedule" | "augment" | "heads"> {
  const weights = o.lossWeights ?? {};
  for (const name of Object.keys(weights)) {
    if (!ir.heads.some((h) => h.name === name)) {
      throw new UserError(
        "--loss-weight",
        `no head '${name}' (heads: ${ir.heads.map((h) => h.name).join(", ")})`,
      );
    }
  }
  return {
    epochs: o.epochs ?? training.epochs,
    batchSize: o.batchSize ?? training.batchSize,
    optimizer: { kind: "adam", lr: o.lr ?? training.optimizer.lr, ...ADAM },
    schedule: [...(o.schedule ?? training.schedule)].sort((a, b) => a.afterEpoch - b.afterEpoch),
    augment: { flip: o.flip ?? training.augment.flip, shift: o.shift ?? training.augment.shift },
    heads: ir.heads.map((h) => ({
      name: h.name,
      ...(h.attribute ? { attribute: h.attribute } : {}),
      classes: h.classes,
      lossWeight: weights[h.name] ?? h.lossWeight,
    })),
  };
}

/** The learning rate of 1-based epoch `epoch`: the last schedule step with `afterEpoch < epoch`. */
export function lrAt(config: Pick<TrainConfig, "optimizer" | "schedule">, epoch: number): number {
  let lr = config.optimizer.lr;
  for (const s of config.schedule) if (s.afterEpoch < epoch) lr = s.lr;
  return lr;
}

/** Parses `--lr-schedule 25:1e-4,40:1e-5` (epochs completed : lr); `none` for a constant rate. */
export function parseSchedule(text: string): { afterEpoch: number; lr: number }[] {
  if (text.trim() === "none" || text.trim() === "") return [];
  return text.split(",").map((part) => {
    const m = part.trim().match(/^(\d+)\s*:\s*([0-9.eE+-]+)$/);
    const lr = m ? Number(m[2]) : NaN;
    if (!m || !(lr > 0)) {
      throw new UserError(
        "--lr-schedule",
        `expected EPOCH:LR[,EPOCH:LR…] (e.g. 25:1e-4), got '${part.trim()}'`,
      );
    }
    return { afterEpoch: Number(m[1]), lr };
  });
}

/** Parses `--loss-weight smile=1,gender=0.5`. */
export function parseLossWeights(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(",")) {
    const [name, value] = part.split("=").map((s) => s.trim());
    const w = Number(value);
    if (!name || value === undefined || !(w >= 0)) {
      throw new UserError("--loss-weight", `expected HEAD=WEIGHT[,HEAD=WEIGHT…], got '${part.trim()}'`);
    }
    out[name] = w;
  }
  return out;
}
