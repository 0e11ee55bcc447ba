/**
 * Command-line flags of `train` (definitions, help text, parsing into protocol overrides: each flag
 * overrides the graph's `training` section, which defaults to the paper's protocol), and the helpers
 * the train/eval/predict commands share.
 *
 * @module
 */
import { BACKEND_FLAG_HELP, BACKEND_OPTION } from "../backend/names.ts";
import { UserError } from "../util/errors.ts";
import { parseLossWeights, parseSchedule, type TrainOverrides } from "./config.ts";

/** Option definitions for node:util parseArgs. */
export const TRAIN_OPTIONS = {
  data: { type: "string" },
  "input-size": { type: "string" },
  epochs: { type: "string" },
  "batch-size": { type: "string" },
  "micro-batch": { type: "string" },
  lr: { type: "string" },
  "lr-schedule": { type: "string" },
  flip: { type: "boolean" },
  "no-flip": { type: "boolean" },
  shift: { type: "string" },
  "loss-weight": { type: "string" },
  seed: { type: "string" },
  "checkpoint-every": { type: "string" },
  resume: { type: "string" },
  "init-from": { type: "string" },
  runs: { type: "string" },
  "run-id": { type: "string" },
  cache: { type: "string" },
  "skip-bad": { type: "boolean" },
  "no-curves": { type: "boolean" },
  "stop-after-steps": { type: "string" },
  help: { type: "boolean", short: "h" },
  ...BACKEND_OPTION,
} as const;

/** Usage line. */
export const TRAIN_USAGE =
  "deno task train [GRAPH] [--data DIR|SPEC.yaml] [flags]   |   deno task train --resume RUN_DIR";

/** Full help. */
export const TRAIN_HELP = `usage: ${TRAIN_USAGE}

Trains a graph with the paper's protocol (defaults from the graph's training section):
softmax cross-entropy per head × λ, summed; Adam lr 1e-3 → 1e-4 after epoch 25; batch 64;
horizontal flips and shifts. With no GRAPH: examples/small_attention_mtl.ts on data/synth at 64×64.

  GRAPH                   graph file (.ts, .yaml, .json)
  --data PATH             CelebA-layout folder or dataset spec (default data/synth, generated if missing)
  --input-size N          square input side (default: the graph's; 64 for the no-argument default)
  --epochs N              epochs (graph: training.epochs, paper 30)
  --batch-size N          examples per optimizer step (paper 64)
  --micro-batch N         examples per forward/backward pass; gradients are accumulated over the
                          passes of a batch (default: the largest that fits the backend's memory)
  --lr X                  initial learning rate (paper 1e-3)
  --lr-schedule S         EPOCH:LR[,EPOCH:LR…]: from EPOCH epochs completed on use LR (paper 25:1e-4); none
  --flip / --no-flip      horizontal flips (paper: on)
  --shift F               largest shift as a fraction of the side (default 0.1); 0 turns shifts off
  --loss-weight H=W,…     λ per head (graph: heads.<h>.lossWeight, default 1)
  --seed N                seeds initial weights, batch order, augmentation (default 1)
  --checkpoint-every N    also checkpoint every N optimizer steps (default 50; 0: epoch ends only)
  --resume RUN_DIR        continue a stopped or killed run from its last checkpoint (--epochs may grow it)
  --init-from SRC         warm start: a run directory (its best/ model) or a tfjs model.json; weights
                          load by layer name and shape, <head>/<name> falls back to <name>
  --runs DIR              where runs go (default runs); a run is DIR/<graph>/<id>/
  --run-id ID             name the run directory (default: date and time)
  --cache DIR             decoded-image cache (default .cache/data)
  --skip-bad              skip unreadable rows and images instead of stopping
  --no-curves             do not draw curves.svg/png
  --stop-after-steps N    stop after N optimizer steps without saving (testing resume)
${BACKEND_FLAG_HELP}`;

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** An integer flag in [min, max], or undefined when absent. */
export function intFlag(values: Values, name: string, min = 1, max = 1e9): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || !Number.isInteger(n) || n < min || n > max) {
    throw new UserError(`--${name}`, `expected an integer in ${min}..${max}, got '${v}'`);
  }
  return n;
}

/** A number flag in [min, max], or undefined when absent. */
export function numberFlag(values: Values, name: string, min: number, max: number): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || v.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
    throw new UserError(`--${name}`, `expected a number in ${min}..${max}, got '${v}'`);
  }
  return n;
}

/** The protocol overrides the flags give. */
export function overridesFromFlags(values: Values): TrainOverrides {
  if (values.flip && values["no-flip"]) throw new UserError("--flip", "give --flip or --no-flip, not both");
  const o: TrainOverrides = {
    epochs: intFlag(values, "epochs"),
    batchSize: intFlag(values, "batch-size"),
    lr: numberFlag(values, "lr", Number.MIN_VALUE, 10),
    schedule: typeof values["lr-schedule"] === "string" ? parseSchedule(values["lr-schedule"]) : undefined,
    flip: values["no-flip"] ? false : values.flip ? true : undefined,
    shift: numberFlag(values, "shift", 0, 0.5),
    lossWeights: typeof values["loss-weight"] === "string"
      ? parseLossWeights(values["loss-weight"])
      : undefined,
  };
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as TrainOverrides;
}

/** Flags that change what a run computes, so `--resume` refuses them (the stored config wins). */
export const PROTOCOL_FLAGS = [
  "data",
  "input-size",
  "batch-size",
  "micro-batch",
  "lr",
  "lr-schedule",
  "flip",
  "no-flip",
  "shift",
  "loss-weight",
  "seed",
  "checkpoint-every",
  "init-from",
  "run-id",
  "skip-bad",
] as const;

/** Runs `body`, turning a missing Deno permission into a one-line UserError that says what to do. */
export async function withPermissionHint(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      const what = (e as Error).message.split(", run again")[0];
      throw new UserError(
        "",
        `${what}. The deno tasks allow writing only under runs/, .cache/ and data/; choose paths there ` +
          `(e.g. --runs runs/…) or run the command with \`deno run\` and wider --allow-write/--allow-read`,
      );
    }
    throw e;
  }
}
