/**
 * The flag table of `train`: each protocol flag overrides the graph's `training` section (which
 * defaults to the paper's protocol), and the overrides the flags give.
 *
 * @module
 */
import { BACKEND_FLAGS } from "../backend/names.ts";
import { LOSS_WEIGHTINGS } from "../schema/mod.ts";
import { parseLossWeights, parseSchedule, type TrainOverrides } from "../train/protocol.ts";
import { DEFAULT_GUARD, type GuardConfig } from "../run/config.ts";
import type { Flags, FlagValues } from "../util/flags.ts";
import { COMMON_FLAGS, DEFAULT_DATA } from "./common_flags.ts";

/** Every flag of `train`. */
export const TRAIN_FLAGS = {
  data: {
    ...COMMON_FLAGS.data,
    default: DEFAULT_DATA,
    help: "CelebA-layout folder or dataset spec (.yaml); the synthetic set is generated there if missing",
  },
  "input-size": { ...COMMON_FLAGS["input-size"], defaultText: "the graph's; 64 for the no-argument default" },
  epochs: { type: "int", arg: "N", defaultText: "graph: training.epochs, paper 30", help: "epochs" },
  "batch-size": {
    type: "int",
    arg: "N",
    defaultText: "graph's, paper 64",
    help: "examples per optimizer step",
  },
  "micro-batch": COMMON_FLAGS["micro-batch"],
  lr: {
    type: "number",
    arg: "X",
    min: Number.MIN_VALUE,
    max: 10,
    defaultText: "graph's, paper 1e-3",
    help: "initial learning rate",
  },
  "lr-schedule": {
    type: "string",
    arg: "S",
    defaultText: "graph's, paper 25:1e-4",
    help: "EPOCH:LR[,EPOCH:LR…]: from EPOCH epochs completed on use LR; none for a constant rate",
  },
  flip: { type: "boolean", negatable: true, defaultText: "graph's, paper on", help: "horizontal flips" },
  shift: {
    type: "number",
    arg: "F",
    min: 0,
    max: 0.5,
    defaultText: "graph's, 0.1",
    help: "largest shift as a fraction of the side; 0 turns shifts off",
  },
  "loss-weight": {
    type: "string",
    arg: "H=W,…",
    defaultText: "graph: heads.<h>.lossWeight, 1",
    help: "λ per head",
  },
  "loss-weighting": {
    type: "string",
    arg: "KIND",
    choices: LOSS_WEIGHTINGS,
    defaultText: "graph: training.lossWeighting, fixed",
    help: "fixed (Σ λ·loss, the paper's), uncertainty (learned per-head variances, Kendall et al. 2018) " +
      "or dwa (dynamic weight average, Liu et al. 2019)",
  },
  seed: { ...COMMON_FLAGS.seed, help: "seeds initial weights, batch order, augmentation" },
  "checkpoint-every": {
    type: "int",
    arg: "N",
    min: 0,
    default: 50,
    help: "also checkpoint every N optimizer steps (0: epoch ends only)",
  },
  "max-grad-norm": {
    type: "number",
    arg: "X",
    min: 0,
    max: 1e30,
    defaultText: `${DEFAULT_GUARD.maxGradNorm}`,
    help: "stop when a step's global gradient norm passes X (0: no limit; NaN/∞ always stop)",
  },
  "max-weight": {
    type: "number",
    arg: "X",
    min: 0,
    max: 1e30,
    defaultText: `${DEFAULT_GUARD.maxWeight}`,
    help: "stop when any weight (batch-norm statistics included) passes |w| > X (0: no limit)",
  },
  resume: {
    type: "string",
    arg: "RUN_DIR",
    help: "continue a stopped or killed run from its newest intact checkpoint; may change (and records) " +
      "--epochs (not below what is done), --lr / --lr-schedule (from the resumed epoch on), " +
      "--checkpoint-every, --max-grad-norm, --max-weight",
  },
  "init-from": {
    type: "string",
    arg: "SRC",
    help: "warm start: a run directory (its best/ model), a graph's runs folder or a tfjs model.json; " +
      "weights load by layer name and shape, <head>/<name> falls back to <name>",
  },
  runs: COMMON_FLAGS.runs,
  "run-id": { type: "string", arg: "ID", defaultText: "date and time", help: "name the run directory" },
  cache: COMMON_FLAGS.cache,
  "data-memory": COMMON_FLAGS["data-memory"],
  "skip-bad": { type: "boolean", help: "skip unreadable rows and images instead of stopping" },
  curves: { type: "boolean", negatable: true, default: true, help: "draw curves.svg/png after each epoch" },
  "stop-after-steps": {
    type: "int",
    arg: "N",
    help: "stop after N optimizer steps without saving (testing resume)",
  },
  ...BACKEND_FLAGS,
} as const satisfies Flags;

/** Flags that fix what a run is, so `--resume` refuses them (the stored config wins). */
export const PROTOCOL_FLAGS: readonly (keyof typeof TRAIN_FLAGS)[] = [
  "data",
  "input-size",
  "batch-size",
  "micro-batch",
  "flip",
  "shift",
  "loss-weight",
  "loss-weighting",
  "seed",
  "init-from",
  "run-id",
  "skip-bad",
];

/** The divergence limits the flags give (each undefined where its flag is absent). */
export function guardFromFlags(values: FlagValues<typeof TRAIN_FLAGS>): Partial<GuardConfig> {
  return { maxGradNorm: values["max-grad-norm"], maxWeight: values["max-weight"] };
}

/** The protocol overrides the flags give (each field undefined where its flag is absent). */
export function overridesFromFlags(values: FlagValues<typeof TRAIN_FLAGS>): TrainOverrides {
  const schedule = values["lr-schedule"];
  const weights = values["loss-weight"];
  return {
    epochs: values.epochs,
    batchSize: values["batch-size"],
    optimizer: { lr: values.lr },
    schedule: schedule === undefined ? undefined : parseSchedule(schedule),
    augment: { flip: values.flip, shift: values.shift },
    lossWeights: weights === undefined ? undefined : parseLossWeights(weights),
    lossWeighting: values["loss-weighting"],
  };
}
