/**
 * `deno task demo [--quick] [--data PATH]` — the main job: the paper's experiment end to end on this
 * machine (see src/experiment/demo.ts), Table 1 printed and written with the curves and the t-SNE
 * figure.
 *
 * @module
 */
import { join } from "node:path";
import { BACKEND_FLAGS } from "../backend/names.ts";
import { DEMO_PLANS, DEMO_SYNTH, runDemo } from "../experiment/mod.ts";
import { UserError } from "../util/errors.ts";
import { defineCommand } from "./command.ts";
import { COMMON_FLAGS, PAIR_EPOCH_FLAGS } from "./common_flags.ts";

const { full, quick } = DEMO_PLANS;

/** The `demo` command. */
export const DEMO = defineCommand({
  name: "demo",
  usage: "[--quick] [--data PATH] [flags]",
  about:
    "Runs the paper's experiment on this machine: TMTL, then the attention network warm-started from it,\n" +
    "both evaluated on the test split, printed as the paper's Table 1; writes curves and a t-SNE figure.",
  flags: {
    quick: {
      type: "boolean",
      help:
        `a smaller run (${quick.inputSize}×${quick.inputSize}, ${quick.a.epochs} + ${quick.b.epochs} epochs): ` +
        "under 3 minutes on 2 cores",
    },
    data: {
      ...COMMON_FLAGS.data,
      defaultText: `the synthetic set in ${DEMO_SYNTH.out}, generated on first use`,
      help: "a real dataset (CelebA layout or dataset spec)",
    },
    "input-size": {
      ...COMMON_FLAGS["input-size"],
      defaultText: `${full.inputSize}, quick ${quick.inputSize}`,
    },
    "epochs-a": {
      ...PAIR_EPOCH_FLAGS["epochs-a"],
      help: "epochs of TMTL",
      defaultText: `${full.a.epochs}, quick ${quick.a.epochs}`,
    },
    "epochs-b": {
      ...PAIR_EPOCH_FLAGS["epochs-b"],
      help: "epochs of the attention network",
      defaultText: `${full.b.epochs}, quick ${quick.b.epochs}`,
    },
    seed: { ...COMMON_FLAGS.seed, help: "seed of both runs" },
    out: { ...COMMON_FLAGS.out, default: join("out", "demo"), help: "where table.md and tsne.svg/png go" },
    runs: COMMON_FLAGS.runs,
    cache: COMMON_FLAGS.cache,
    force: COMMON_FLAGS.force,
    ...BACKEND_FLAGS,
  },
  writes: ["runs", ".cache", "data", "out"],
}, async ({ values, positionals, backend }) => {
  if (positionals.length) throw new UserError("", `demo takes no positional arguments\nusage: ${DEMO.usage}`);
  const chosen = await backend();
  const text = await runDemo({
    quick: values.quick ?? false,
    data: values.data,
    inputSize: values["input-size"],
    epochsA: values["epochs-a"],
    epochsB: values["epochs-b"],
    seed: values.seed,
    outDir: values.out,
    runsDir: values.runs,
    cacheDir: values.cache,
    backend: chosen.name,
    force: values.force,
  });
  console.log("\n" + text);
});

/** Runs `demo` on `args` (a user mistake is thrown). */
export const demoCommand = (args: string[]): Promise<void> => DEMO.run(args);

if (import.meta.main) DEMO.main();
