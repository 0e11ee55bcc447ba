/**
 * The configuration a run records in `config.json`, as a zod schema: the graph's training protocol
 * (the fields of `TrainingSpec`, here required: a run stores every value it used), the heads as the
 * trainer sees them, how input images are prepared, and the run's own fields (data, seed, backend, …).
 * Reading a config.json parses it; a damaged or hand-edited file gives one line naming the file and
 * the field.
 *
 * @module
 */
import { z } from "zod";
import { describeIssue, HeadSpec, issuePath, TrainingSpec } from "../schema/mod.ts";
import { HeadName } from "../schema/graph.ts";
import { UserError } from "../util/errors.ts";

const T = TrainingSpec.shape;
const AdamSpec = T.optimizer.unwrap().shape;
const AugmentSpec = T.augment.unwrap().shape;

/** One head as the trainer sees it: its classes and its weight λ in the summed loss. */
export const HeadConfig = z.strictObject({
  name: HeadName,
  attribute: HeadSpec.shape.attribute,
  classes: HeadSpec.shape.classes,
  /** λ: the head's weight in the summed loss. */
  lossWeight: HeadSpec.shape.lossWeight.unwrap(),
});
/** One head as the trainer sees it. */
export type HeadConfig = z.infer<typeof HeadConfig>;

/**
 * How an image becomes the model's input, recorded so the model can be used elsewhere: decode, crop
 * to the dataset's face box (`crop: "box"`, when the dataset has boxes), resize to `size`×`size`
 * (sharp, lanczos3; `fill` stretches, `cover` keeps the aspect ratio and crops the centre), RGB
 * without alpha, NHWC float32 with value = byte / 255 (in [0, 1]; no mean or std).
 */
export const Preprocessing = z.strictObject({
  size: z.number().int().positive(),
  crop: z.enum(["box", "none"]),
  fit: z.enum(["fill", "cover"]),
  resize: z.literal("lanczos3"),
  channels: z.literal("rgb"),
  layout: z.literal("nhwc"),
  /** `x/255`: float input = byte / 255, the data layer's `toUnitFloats`. */
  scale: z.literal("x/255"),
});
/** How an image becomes the model's input. */
export type Preprocessing = z.infer<typeof Preprocessing>;

/** The preprocessing of this project's training data at `size`×`size` (what every run so far used). */
export function defaultPreprocessing(size: number): Preprocessing {
  return {
    size,
    crop: "box",
    fit: "fill",
    resize: "lanczos3",
    channels: "rgb",
    layout: "nhwc",
    scale: "x/255",
  };
}

/**
 * Limits of the divergence guard (src/train/guard.ts): training stops when the global gradient norm of
 * a step, or the largest weight (batch-norm statistics included), passes its limit (0 turns that check
 * off). Non-finite losses, gradients and weights, and a zero gradient under a non-zero loss (a
 * saturated network), always stop it.
 */
export const GuardConfig = z.strictObject({
  /** Largest global L2 norm of a step's gradient (all trained variables together). */
  maxGradNorm: z.number().min(0),
  /** Largest |w| of any weight after a step, batch-norm moving statistics included. */
  maxWeight: z.number().min(0),
});
/** Limits of the divergence guard. */
export type GuardConfig = z.infer<typeof GuardConfig>;

/**
 * The guard's default limits, far above what healthy training shows. Measured on the small graphs at
 * 32×32 (tiny and small attention MTL, batch 32, 30 steps): at lr 1e-3 gradient norms 0.5–2.5, weights
 * and batch-norm statistics below 4; at lr 0.1 statistics reach 300 on a net that still learns; at lr 1
 * and 10 they pass 1e4 and 1e8 within 5 steps while the gradient drops to exactly 0 (saturated).
 */
export const DEFAULT_GUARD: GuardConfig = { maxGradNorm: 1e4, maxWeight: 1e6 };

/** One change of the configuration made by `--resume` (e.g. a lower learning rate). */
export const ConfigChange = z.strictObject({ field: z.string(), from: z.unknown(), to: z.unknown() });
/** One change of the configuration made by `--resume`. */
export type ConfigChange = z.infer<typeof ConfigChange>;

/** What a `--resume` recorded: when, from where, the command, and what it changed. */
export const ResumeRecord = z.strictObject({
  at: z.string(),
  /** The checkpoint's position: optimizer steps done, epoch in progress, next batch. */
  step: z.number().int().min(0),
  epoch: z.number().int().positive(),
  batch: z.number().int().min(0),
  command: z.array(z.string()),
  changes: z.array(ConfigChange),
});
/** What a `--resume` recorded. */
export type ResumeRecord = z.infer<typeof ResumeRecord>;

const TrainFields = {
  /** Graph file the model came from, and the graph's name (the run's parent folder). */
  graph: z.string().min(1),
  graphName: z.string().min(1),
  /** Dataset: a CelebA-layout folder or a dataset spec. */
  data: z.string().min(1),
  skipBad: z.boolean(),
  /** Square input side the model is built at and the images are resized to. */
  inputSize: z.number().int().positive(),
  epochs: T.epochs.unwrap(),
  /** Examples per optimizer step. */
  batchSize: T.batchSize.unwrap(),
  /** Examples per forward/backward pass; gradients of ⌈batchSize / microBatch⌉ passes are summed. */
  microBatch: z.number().int().positive(),
  optimizer: z.strictObject({
    kind: AdamSpec.kind.unwrap(),
    lr: AdamSpec.lr.unwrap(),
    beta1: z.number().min(0).lt(1),
    beta2: z.number().min(0).lt(1),
    epsilon: z.number().positive(),
  }),
  /** From `afterEpoch` epochs completed on, use `lr`. */
  schedule: T.schedule.unwrap(),
  /** Flip left-right with probability ½; shift by up to `shift` × side in x and y. */
  augment: z.strictObject({ flip: AugmentSpec.flip.unwrap(), shift: AugmentSpec.shift.unwrap() }),
  heads: z.array(HeadConfig).min(1),
  /**
   * How the heads' losses are combined (src/train/loss_weighting.ts): `fixed` (Σ λ_h L_h, the paper's),
   * `uncertainty` or `dwa`. New runs record it; runs made before it was recorded used `fixed`.
   */
  lossWeighting: T.lossWeighting,
  /**
   * A warm-started run's warm-up: for its first `epochs` epochs only the weights of `layers` (the layers
   * new to this graph, e.g. attention and classifiers) train; the others keep their loaded values.
   */
  warmup: z.strictObject({
    epochs: z.number().int().positive(),
    layers: z.array(z.string().min(1)).min(1),
  }).optional(),
  /** Seeds initial weights, batch order, augmentation and in-model randomness (dropout). */
  seed: z.number().int().min(0),
  /** Also checkpoint every this many optimizer steps (0: only at epoch ends). */
  checkpointEvery: z.number().int().min(0),
  /** Backend the run was started on (informational: resuming elsewhere may differ in the last bits). */
  backend: z.string().min(1),
  /** Warm start source, if any. */
  initFrom: z.string().optional(),
  /** Runs made before it was recorded used the default preprocessing at `inputSize`. */
  preprocessing: Preprocessing.optional(),
  /** Divergence limits; runs made before they were recorded get the defaults. */
  guard: GuardConfig.optional(),
};

const RunFields = {
  createdAt: z.string(),
  /** The command line that started the run. */
  command: z.array(z.string()),
  /** Every `--resume` of the run, oldest first, with the configuration changes it made. */
  resumes: z.array(ResumeRecord).optional(),
};

/** The stored config of a run, as config.json holds it (before old runs get their preprocessing). */
const StoredRunConfig = z.strictObject({ ...TrainFields, ...RunFields });

/**
 * The stored config of a run: the training configuration plus when and how it was made.
 * Parsing fills in the preprocessing of runs made before it was recorded.
 */
export const RunConfig = StoredRunConfig
  .refine((c) => !c.preprocessing || c.preprocessing.size === c.inputSize, {
    path: ["preprocessing", "size"],
    message: "must equal inputSize",
  })
  .transform((c) => ({
    ...c,
    preprocessing: c.preprocessing ?? defaultPreprocessing(c.inputSize),
    guard: c.guard ?? DEFAULT_GUARD,
  }));
/** The stored config of a run. */
export type RunConfig = z.output<typeof RunConfig>;

/** Everything that decides what a run computes (and a little that does not: backend, paths). */
export type TrainConfig = Omit<RunConfig, "createdAt" | "command">;

// The fields a misspelt key could have meant, for a "did you mean" hint.
function knownKeys(path: readonly PropertyKey[]): string[] {
  if (path[0] === "heads") return Object.keys(HeadConfig.shape);
  const nested = new Map<string, Record<string, unknown>>([
    ["optimizer", TrainFields.optimizer.shape],
    ["augment", TrainFields.augment.shape],
    ["warmup", TrainFields.warmup.unwrap().shape],
    ["preprocessing", Preprocessing.shape],
    ["guard", GuardConfig.shape],
  ]);
  return Object.keys(path.length === 0 ? StoredRunConfig.shape : nested.get(String(path[0])) ?? {});
}

/**
 * Validates plain data as a run config; the first problem becomes a UserError naming `file` and the
 * field (`runs/tmtl/r1/config.json: epochs: expected number, received string`).
 */
export function parseRunConfig(data: unknown, file: string): RunConfig {
  const parsed = RunConfig.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issuePath(issue.path);
  throw new UserError(`${file}${where ? `: ${where}` : ""}`, describeIssue(issue, knownKeys));
}
