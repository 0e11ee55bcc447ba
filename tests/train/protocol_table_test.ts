/**
 * The protocol a run trains with, as a table: `train`'s flags over the graph's `training` section and
 * heads' λ over the paper's defaults, through the same path as the command (parseFlags →
 * overridesFromFlags → resolveProtocol), and the learning rate of every epoch written out by hand.
 * Mistyped schedules and loss weights are one line each.
 */
import assert from "node:assert/strict";
import { compileFile, compileSpec } from "../../src/compiler/mod.ts";
import { overridesFromFlags, TRAIN_FLAGS } from "../../src/cli/train_flags.ts";
import { lrAt, resolveProtocol } from "../../src/train/protocol.ts";
import { parseFlags } from "../../src/util/flags.ts";
import { TINY_TMTL } from "./helpers.ts";

const base = (await compileFile(TINY_TMTL)).spec;

/** The tiny graph with `training` (partial, as a graph file writes it) and smile's λ. */
function graphWith(training: Record<string, unknown> | undefined, smileWeight?: number) {
  const { training: _, ...rest } = base;
  const spec = {
    ...rest,
    ...(training ? { training } : {}),
    heads: {
      ...base.heads,
      smile: { ...base.heads.smile, ...(smileWeight ? { lossWeight: smileWeight } : {}) },
    },
  };
  return compileSpec(spec);
}

/** The protocol `train GRAPH <argv>` resolves, as the command does. */
function protocolOf(argv: string[], training?: Record<string, unknown>, smileWeight?: number) {
  const { ir, spec } = graphWith(training, smileWeight);
  const { values } = parseFlags(TRAIN_FLAGS, argv, "train");
  return resolveProtocol(ir, spec.training, overridesFromFlags(values));
}

interface Expected {
  epochs: number;
  batchSize: number;
  lr: number;
  schedule: { afterEpoch: number; lr: number }[];
  augment: { flip: boolean; shift: number };
  lossWeights: [string, number][];
  /** Learning rate of epochs 1, 2, … (as many as listed). */
  lrs: number[];
}

const GRAPH_SECTION = {
  epochs: 6,
  batchSize: 8,
  optimizer: { lr: 3e-3 },
  schedule: [{ afterEpoch: 4, lr: 1e-4 }, { afterEpoch: 2, lr: 1e-3 }],
  augment: { flip: false },
};

const paperLrs = [...Array(25).fill(1e-3), ...Array(5).fill(1e-4)];

const TABLE: [string, string[], Record<string, unknown> | undefined, number | undefined, Expected][] = [
  ["paper defaults", [], undefined, undefined, {
    epochs: 30,
    batchSize: 64,
    lr: 1e-3,
    schedule: [{ afterEpoch: 25, lr: 1e-4 }],
    augment: { flip: true, shift: 0.1 },
    lossWeights: [["smile", 1], ["gender", 1]],
    lrs: paperLrs,
  }],
  ["the graph's training section and λ", [], GRAPH_SECTION, 0.5, {
    epochs: 6,
    batchSize: 8,
    lr: 3e-3,
    schedule: [{ afterEpoch: 2, lr: 1e-3 }, { afterEpoch: 4, lr: 1e-4 }],
    augment: { flip: false, shift: 0.1 },
    lossWeights: [["smile", 0.5], ["gender", 1]],
    lrs: [3e-3, 3e-3, 1e-3, 1e-3, 1e-4, 1e-4],
  }],
  [
    "flags over the graph",
    ["--epochs", "3", "--batch-size", "4", "--lr", "1e-2", "--lr-schedule", "none", "--flip", "--shift", "0"],
    GRAPH_SECTION,
    0.5,
    {
      epochs: 3,
      batchSize: 4,
      lr: 1e-2,
      schedule: [],
      augment: { flip: true, shift: 0 },
      lossWeights: [["smile", 0.5], ["gender", 1]],
      lrs: [1e-2, 1e-2, 1e-2],
    },
  ],
  ["--lr alone keeps the graph's schedule", ["--lr", "5e-3"], GRAPH_SECTION, undefined, {
    epochs: 6,
    batchSize: 8,
    lr: 5e-3,
    schedule: [{ afterEpoch: 2, lr: 1e-3 }, { afterEpoch: 4, lr: 1e-4 }],
    augment: { flip: false, shift: 0.1 },
    lossWeights: [["smile", 1], ["gender", 1]],
    lrs: [5e-3, 5e-3, 1e-3, 1e-3, 1e-4, 1e-4],
  }],
  [
    "--lr-schedule out of order, --loss-weight for one head, --no-flip",
    ["--lr-schedule", "3:1e-5,1:1e-4", "--loss-weight", "gender=0.25", "--no-flip", "--epochs", "4"],
    undefined,
    2,
    {
      epochs: 4,
      batchSize: 64,
      lr: 1e-3,
      schedule: [{ afterEpoch: 1, lr: 1e-4 }, { afterEpoch: 3, lr: 1e-5 }],
      augment: { flip: false, shift: 0.1 },
      lossWeights: [["smile", 2], ["gender", 0.25]],
      lrs: [1e-3, 1e-4, 1e-4, 1e-5],
    },
  ],
  [
    "a step after 0 epochs applies from the first",
    ["--lr-schedule", "0:5e-4", "--epochs", "2"],
    undefined,
    undefined,
    {
      epochs: 2,
      batchSize: 64,
      lr: 1e-3,
      schedule: [{ afterEpoch: 0, lr: 5e-4 }],
      augment: { flip: true, shift: 0.1 },
      lossWeights: [["smile", 1], ["gender", 1]],
      lrs: [5e-4, 5e-4],
    },
  ],
  ["both λ by flag, swapped order", ["--loss-weight", "gender=3,smile=0"], undefined, 0.5, {
    epochs: 30,
    batchSize: 64,
    lr: 1e-3,
    schedule: [{ afterEpoch: 25, lr: 1e-4 }],
    augment: { flip: true, shift: 0.1 },
    lossWeights: [["smile", 0], ["gender", 3]],
    lrs: paperLrs,
  }],
];

for (const [name, argv, training, smileWeight, expected] of TABLE) {
  Deno.test(`protocol table: ${name}`, () => {
    const p = protocolOf(argv, training, smileWeight);
    const { lrs: _, ...settings } = expected;
    assert.deepEqual({
      epochs: p.epochs,
      batchSize: p.batchSize,
      lr: p.optimizer.lr,
      schedule: p.schedule,
      augment: p.augment,
      lossWeights: p.heads.map((h) => [h.name, h.lossWeight]),
    }, settings);
    assert.deepEqual(expected.lrs.map((_, i) => lrAt(p, i + 1)), expected.lrs, "lr per epoch");
  });
}

Deno.test("protocol table: mistyped schedules, loss weights and values are one line each", () => {
  const cases: [string[], string][] = [
    [["--lr-schedule", "25"], "--lr-schedule: expected EPOCH:LR[,EPOCH:LR…] (e.g. 25:1e-4), got '25'"],
    [
      ["--lr-schedule", "a:1e-4"],
      "--lr-schedule: expected EPOCH:LR[,EPOCH:LR…] (e.g. 25:1e-4), got 'a:1e-4'",
    ],
    [["--lr-schedule", "3:0"], "--lr-schedule: expected EPOCH:LR[,EPOCH:LR…] (e.g. 25:1e-4), got '3:0'"],
    [["--lr-schedule", "3:1e-4,"], "--lr-schedule: expected EPOCH:LR[,EPOCH:LR…] (e.g. 25:1e-4), got ''"],
    [["--loss-weight", "smile"], "--loss-weight: expected HEAD=WEIGHT[,HEAD=WEIGHT…], got 'smile'"],
    [["--loss-weight", "smile=-1"], "--loss-weight: expected HEAD=WEIGHT[,HEAD=WEIGHT…], got 'smile=-1'"],
    [["--loss-weight", "smile=x"], "--loss-weight: expected HEAD=WEIGHT[,HEAD=WEIGHT…], got 'smile=x'"],
    [["--loss-weight", "gendr=1"], "--loss-weight: no head 'gendr' (heads: smile, gender)"],
  ];
  for (const [argv, message] of cases) {
    assert.throws(
      () => protocolOf(argv),
      (e: Error) => e.name === "UserError" && e.message === message,
      argv.join(" "),
    );
  }
  assert.throws(() => protocolOf(["--shift", "0.6"]), /^UserError: --shift: /);
  assert.throws(() => protocolOf(["--epochs", "0"]), /^UserError: --epochs: /);
});
