/**
 * Flags several commands share, declared once. A command spreads one into its table and may give it
 * its own help or default there (`{ ...OUT, default: "out/demo" }`); the type, range and argument
 * name stay the same everywhere.
 *
 * @module
 */
import { SPLITS } from "../data/types.ts";
import type { Flags } from "../util/flags.ts";

/** The synthetic face set's folder: the default dataset, generated on first use. */
export const DEFAULT_DATA = "data/synth";

/** Flags shared by the commands that read data, runs or write outputs. */
export const COMMON_FLAGS = {
  data: { type: "string", arg: "PATH", help: "CelebA-layout folder or dataset spec (.yaml)" },
  "input-size": { type: "int", arg: "N", min: 8, max: 4096, help: "square input side" },
  runs: { type: "string", arg: "DIR", default: "runs", help: "where runs go; a run is DIR/<graph>/<id>/" },
  cache: { type: "string", arg: "DIR", default: ".cache/data", help: "decoded-image cache" },
  "data-memory": {
    type: "string",
    arg: "SIZE",
    default: "2GiB",
    help:
      "decoded images held in memory (512MiB, 8GiB, …); larger splits are read from the cache as needed, " +
      "with the same results",
  },
  seed: { type: "int", arg: "N", min: 0, max: 2 ** 32 - 1, default: 1, help: "random seed" },
  out: { type: "string", arg: "DIR", help: "where outputs go" },
  "micro-batch": {
    type: "int",
    arg: "N",
    defaultText: "the largest that fits the backend's memory",
    help: "examples per forward/backward pass; gradients are accumulated over the passes of a batch",
  },
  split: { type: "string", arg: "NAME", choices: SPLITS, help: "which split of the dataset" },
  weights: {
    type: "string",
    arg: "W",
    choices: ["best", "last"],
    default: "best",
    help: "which weights: best by mean validation accuracy, or last (the latest checkpoint)",
  },
  json: { type: "boolean", help: "print JSON instead of text" },
  force: {
    type: "boolean",
    help: "write into an existing folder this project did not make (one without a .mtl-graph marker)",
  },
} as const satisfies Flags;

/** The flags the demo and experiment commands take per graph of the pair. */
export const PAIR_EPOCH_FLAGS = {
  "epochs-a": { type: "int", arg: "N", help: "epochs of GRAPH_A" },
  "epochs-b": { type: "int", arg: "N", help: "epochs of GRAPH_B" },
} as const satisfies Flags;
