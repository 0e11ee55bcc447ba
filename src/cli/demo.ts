/**
 * `deno task demo [--quick] [--data PATH]` — the main job: the paper's experiment end to end on this
 * machine with the equal-budget control, over several seeds (see src/experiment/demo.ts): TMTL, TMTL
 * continued and the attention MTL, printed and written with the curves and the t-SNE figure.
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
    "Runs the paper's experiment on this machine, once per seed: TMTL; TMTL continued for the attention\n" +
    "network's epochs (the equal-budget control); the attention network warm-started from TMTL. All are\n" +
    "evaluated on the test split and printed as the paper's Table 1 (mean ± sd over seeds) with the paired\n" +
    "test against the control and the warm-start dip; writes curves and a t-SNE figure. Sized for about\n" +
    "5 minutes on 2 cores with --backend onednn.",
  flags: {
    quick: {
      type: "boolean",
      help:
        `a smaller run (${quick.inputSize}×${quick.inputSize}, ${quick.a.epochs} + ${quick.b.epochs} epochs, ` +
        `${quick.seeds} seeds)`,
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
    seeds: {
      type: "int",
      arg: "N",
      min: 1,
      max: 100,
      defaultText: `${full.seeds}, quick ${quick.seeds}`,
      help: "how many seeds (each trains TMTL, the control and the attention network)",
    },
    seed: { ...COMMON_FLAGS.seed, help: "the first seed; the others follow it" },
    out: {
      ...COMMON_FLAGS.out,
      default: join("out", "demo"),
      help: "where table.md, report.md, results.json/csv and tsne.svg/png go",
    },
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
    seeds: values.seeds,
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
