/**
 * `deno task demo [--quick] [--data PATH]` — the main job: the paper's experiment end to end on this
 * machine. Generates the synthetic face set if missing, trains TMTL, warm-starts the attention
 * network from it, evaluates both on the test split, and prints Table 1 (architecture × smile,
 * gender, average); writes the table, training curves and the t-SNE figure (paper figs 5–6).
 */
import { join } from "node:path";
import {
  BACKEND_FLAG_HELP,
  BACKEND_OPTION,
  backendFromArgs,
  describeBackend,
  useBackend,
} from "../backend/mod.ts";
import { ensureSynth } from "../data/mod.ts";
import { accuracies } from "../eval/evaluate_run.ts";
import { accuracyTable } from "../eval/table.ts";
import { intFlag, withPermissionHint } from "../train/flags.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { formatDuration } from "../util/progress.ts";
import { UserError } from "../util/errors.ts";
import { parseArgs } from "./args.ts";
import { runExperiment } from "./experiment.ts";
import { runMain } from "./main.ts";
import { tsneFigure } from "./tsne.ts";

/** The paper's two graphs at CPU size. */
export const DEMO_GRAPHS = { a: "examples/small_tmtl.ts", b: "examples/small_attention_mtl.ts" } as const;
const SYNTH = { out: "data/synth", count: 2000, size: 64, seed: 1 };

/**
 * Sizes that fit the time budget on 2 cores (measured on wasm: ~25 images/s at 48×48, ~50 at 32×32):
 * the full demo in under 15 minutes, `--quick` in under 3. Learning-rate drops keep the paper's
 * shape (1e-3, then 1e-4 for the last fifth).
 */
const PLANS = {
  full: { inputSize: 48, a: { epochs: 7, dropAfter: 5 }, b: { epochs: 3, dropAfter: 2 }, perGroup: 100 },
  quick: { inputSize: 32, a: { epochs: 2, dropAfter: 2 }, b: { epochs: 1, dropAfter: 1 }, perGroup: 25 },
};

const USAGE = "deno task demo [--quick] [--data PATH] [flags]";
const HELP = `usage: ${USAGE}

Runs the paper's experiment on this machine: TMTL, then the attention network warm-started from it,
both evaluated on the test split, printed as the paper's Table 1; writes curves and a t-SNE figure.

  --quick              a smaller run (32×32, 2 + 1 epochs): under 3 minutes on 2 cores
  --data PATH          a real dataset (CelebA layout or dataset spec); default: the synthetic set in
                       data/synth, generated on first use
  --input-size N       square input side (default 48, quick 32)
  --epochs-a N, --epochs-b N   epochs of TMTL and of the attention network (default 7 and 3)
  --seed N             seed of both runs (default 1)
  --out DIR            where table.md, tsne.svg/png go (default out/demo)
  --runs DIR, --cache DIR
${BACKEND_FLAG_HELP}`;

const OPTIONS = {
  quick: { type: "boolean" },
  data: { type: "string" },
  "input-size": { type: "string" },
  "epochs-a": { type: "string" },
  "epochs-b": { type: "string" },
  seed: { type: "string" },
  out: { type: "string" },
  runs: { type: "string" },
  cache: { type: "string" },
  help: { type: "boolean", short: "h" },
  ...BACKEND_OPTION,
} as const;

const schedule = (epochs: number, dropAfter: number) =>
  dropAfter < epochs ? [{ afterEpoch: dropAfter, lr: 1e-4 }] : [];

export async function demoCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs(args, OPTIONS, USAGE);
  if (values.help) return console.log(HELP);
  if (positionals.length) throw new UserError("", `demo takes no positional arguments\nusage: ${USAGE}`);
  const t0 = performance.now();
  const plan = values.quick ? PLANS.quick : PLANS.full;
  const data = values.data ?? SYNTH.out;
  if (!values.data) {
    console.log(`data: the synthetic face set in ${SYNTH.out} (${SYNTH.count} faces, generated if missing)`);
    if (await ensureSynth(SYNTH)) {
      console.log(`generated ${SYNTH.out} in ${formatDuration((performance.now() - t0) / 1000)}`);
    }
  }
  const chosen = await useBackend(backendFromArgs(values));
  console.log(describeBackend(chosen));
  const inputSize = intFlag(values, "input-size", 8, 4096) ?? plan.inputSize;
  const epochsA = intFlag(values, "epochs-a") ?? plan.a.epochs;
  const epochsB = intFlag(values, "epochs-b") ?? plan.b.epochs;
  const scale = (e: number, p: { epochs: number; dropAfter: number }) =>
    Math.round((e * p.dropAfter) / p.epochs);
  const outDir = values.out ?? join("out", "demo");
  const seed = intFlag(values, "seed", 0) ?? 1;
  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
  console.log(
    `plan: ${DEMO_GRAPHS.a} for ${epochsA} epochs, then ${DEMO_GRAPHS.b} warm-started from it for ${epochsB}, ` +
      `at ${inputSize}×${inputSize}, seed ${seed}`,
  );

  const { pairs } = await runExperiment({
    graphA: DEMO_GRAPHS.a,
    graphB: DEMO_GRAPHS.b,
    data,
    seeds: [seed],
    inputSize,
    a: { epochs: epochsA, schedule: schedule(epochsA, scale(epochsA, plan.a)) },
    b: { epochs: epochsB, schedule: schedule(epochsB, scale(epochsB, plan.b)) },
    warmStart: true,
    backend: chosen.name,
    runsDir: values.runs ?? "runs",
    cacheDir: values.cache ?? ".cache/data",
    outDir,
    runPrefix: `demo-${stamp}`,
  });
  const { a, b } = pairs[0];
  const table = accuracyTable([
    { name: "TMTL", accuracy: accuracies(a.test) },
    { name: "Attention MTL (task dependencies)", accuracy: accuracies(b.test) },
  ]);
  console.log(`\n— embedding representations for the t-SNE figure`);
  const figure = await tsneFigure({
    runDir: b.runDir,
    data,
    perGroup: plan.perGroup,
    out: join(outDir, "tsne"),
    seed,
    cacheDir: values.cache ?? ".cache/data",
  });
  const took = formatDuration((performance.now() - t0) / 1000);
  const text = [
    `Test accuracy (%) on ${data} (${a.test.count} test images) at ${inputSize}×${inputSize}, ` +
    `backend ${chosen.name}, ${took} in all:`,
    "",
    table,
    "",
    `- TMTL: ${a.runDir} (${a.epochs} epochs, ${formatDuration(a.trainSeconds)}), curves ${
      join(a.runDir, "curves.png")
    }`,
    `- Attention MTL: ${b.runDir} (${b.epochs} epochs from TMTL's weights, ${
      formatDuration(b.trainSeconds)
    }), ` +
    `curves ${join(b.runDir, "curves.png")}`,
    `- t-SNE of FC and attended layers: ${figure.png} (${figure.svg})`,
  ].join("\n");
  await writeFileAtomic(join(outDir, "table.md"), text + "\n");
  console.log("\n" + text);
}

if (import.meta.main) runMain(() => withPermissionHint(() => demoCommand(Deno.args)));
