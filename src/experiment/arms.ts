/**
 * The runs an experiment trains per seed ("arms"), planned once before anything trains:
 *
 * - `a`: graph A with its protocol (the paper's TMTL).
 * - `control`: graph A again, trained exactly as B is trained — from the same start (A's best
 *   weights when B is warm-started, else from scratch), for B's epochs with B's batch size,
 *   schedule, augmentation and loss weighting, so the same batches in the same order. With the warm
 *   start this is "A continued": the equal-budget control that B is judged against.
 * - `b`: graph B, warm-started from A as the paper does (or from scratch with `--no-warm-start`).
 * - remedies for the warm-start dip, each a variant of `b`: `warmup-new` trains only B's new layers
 *   (attention and classifiers) for its first N epochs; `warmup-lr` runs B's first epoch at a lower
 *   learning rate.
 *
 * Planning compiles both graphs and resolves B's protocol, so a mistake in B (or in a remedy) stops
 * the experiment before A trains.
 *
 * @module
 */
import { compileFile } from "../compiler/mod.ts";
import { firstEpochLr, resolveProtocol, type TrainOverrides } from "../train/protocol.ts";
import { UserError } from "../util/errors.ts";
import { newLayers } from "./new_layers.ts";

/** What an arm is, in results.json and results.csv. */
export type ArmKey = "a" | "control" | "b" | "warmup-new" | "warmup-lr";

/** One training per seed. */
export interface Arm {
  key: ArmKey;
  /** Its row in the report. */
  label: string;
  /** How it was trained, in a few words (the report's legend). */
  about: string;
  graph: string;
  overrides: TrainOverrides;
  /** Starts from arm `a`'s best weights. */
  fromA: boolean;
  /** Only these layers train for the first `epochs` epochs. */
  warmup?: { epochs: number; layers: string[] };
  /** Run id suffix: runs are `runs/<graph>/<prefix>-seed<N><suffix>`. */
  suffix: string;
}

/** Remedies for the warm-start dip, compared with the paper's protocol when given. */
export interface Remedies {
  /** Train only B's new layers for its first N epochs. */
  warmupNew?: number;
  /** B's first epoch at this learning rate. */
  warmupLr?: number;
}

/** What {@link planArms} needs. */
export interface ArmPlanOptions {
  graphA: string;
  graphB: string;
  inputSize?: number;
  a: TrainOverrides;
  b: TrainOverrides;
  warmStart: boolean;
  remedies?: Remedies;
  /** Row names of A and B (default: their file names). */
  labels: { a: string; b: string };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The arms of every seed, in training order (a, control, b, remedies). */
export async function planArms(o: ArmPlanOptions): Promise<Arm[]> {
  const compile = (g: string) => compileFile(g, o.inputSize ? { inputSize: o.inputSize } : {});
  const [ca, cb] = [await compile(o.graphA), await compile(o.graphB)];
  const pa = resolveProtocol(ca.ir, ca.spec.training, o.a);
  const pb = resolveProtocol(cb.ir, cb.spec.training, o.b);
  const { warmupNew, warmupLr } = o.remedies ?? {};
  if (!o.warmStart && (warmupNew !== undefined || warmupLr !== undefined)) {
    throw new UserError(
      warmupNew !== undefined ? "--warmup-new" : "--warmup-lr",
      "a remedy for the warm-start dip needs the warm start (drop --no-warm-start)",
    );
  }
  const from = o.warmStart ? `from ${o.labels.a}'s best weights` : "from scratch";
  // B's protocol as overrides of A's graph: the same epochs, batches, rates and loss weighting.
  const asB: TrainOverrides = {
    epochs: pb.epochs,
    batchSize: pb.batchSize,
    optimizer: { lr: pb.optimizer.lr },
    schedule: pb.schedule,
    augment: pb.augment,
    lossWeighting: pb.lossWeighting,
  };
  const arms: Arm[] = [
    {
      key: "a",
      label: o.labels.a,
      about: `${plural(pa.epochs, "epoch")} from scratch`,
      graph: o.graphA,
      overrides: o.a,
      fromA: false,
      suffix: "",
    },
    {
      key: "control",
      label: o.warmStart ? `${o.labels.a} continued` : `${o.labels.a}, ${o.labels.b}'s protocol`,
      about: `${plural(pb.epochs, "epoch")} ${from}, trained as ${o.labels.b} is (same batches, ` +
        `schedule and loss weighting): the equal-budget control`,
      graph: o.graphA,
      overrides: asB,
      fromA: o.warmStart,
      suffix: o.warmStart ? "-continued" : "-control",
    },
    {
      key: "b",
      label: o.labels.b,
      about: `${plural(pb.epochs, "epoch")} ${from}${o.warmStart ? " (the paper's protocol)" : ""}`,
      graph: o.graphB,
      overrides: o.b,
      fromA: o.warmStart,
      suffix: "",
    },
  ];
  if (warmupNew !== undefined) {
    if (warmupNew > pb.epochs) {
      throw new UserError("--warmup-new", `${warmupNew} epochs is more than ${o.labels.b}'s ${pb.epochs}`);
    }
    const layers = newLayers(ca.ir, cb.ir);
    if (layers.length === 0) {
      throw new UserError("--warmup-new", `${o.labels.b} has no layers that ${o.labels.a} lacks`);
    }
    arms.push({
      key: "warmup-new",
      label: `${o.labels.b}, new layers only for ${plural(warmupNew, "epoch")}`,
      about: `as ${o.labels.b}, but only its new layers (${layers.join(", ")}) train in its first ` +
        (warmupNew === 1 ? "epoch" : `${warmupNew} epochs`),
      graph: o.graphB,
      overrides: o.b,
      fromA: true,
      warmup: { epochs: warmupNew, layers },
      suffix: `-warmup-new${warmupNew}`,
    });
  }
  if (warmupLr !== undefined) {
    arms.push({
      key: "warmup-lr",
      label: `${o.labels.b}, first epoch at lr ${warmupLr}`,
      about:
        `as ${o.labels.b}, but its first epoch at learning rate ${warmupLr} (then ${o.labels.b}'s rates)`,
      graph: o.graphB,
      overrides: { ...o.b, ...firstEpochLr(pb, warmupLr) },
      fromA: true,
      suffix: `-warmup-lr${warmupLr}`,
    });
  }
  return arms;
}
