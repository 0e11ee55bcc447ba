/**
 * The main job: the paper's experiment end to end on this machine. Generates the synthetic face set
 * if missing, trains TMTL, warm-starts the attention network from it, evaluates both on the test
 * split, and writes Table 1 (architecture × smile, gender, average) with the training curves and the
 * t-SNE figure (paper figs 5–6).
 *
 * @module
 */
import { join } from "node:path";
import { ensureSynth } from "../data/mod.ts";
import { accuracies } from "../eval/evaluate_run.ts";
import { accuracyTable } from "../eval/table.ts";
import { tsneFigure } from "../eval/tsne_figure.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { claimOutputDir } from "../util/owned_dir.ts";
import { formatDuration } from "../util/progress.ts";
import { runExperiment } from "./experiment.ts";

/** The paper's two graphs at CPU size. */
export const DEMO_GRAPHS = { a: "examples/small_tmtl.ts", b: "examples/small_attention_mtl.ts" } as const;
/** The synthetic set the demo uses when given no data. */
export const DEMO_SYNTH = { out: "data/synth", count: 2000, size: 64, seed: 1 };

/**
 * Sizes that fit the time budget on 2 cores (measured on wasm: ~25 images/s at 48×48, ~50 at 32×32):
 * the full demo in under 15 minutes, `--quick` in under 3. Learning-rate drops keep the paper's
 * shape (1e-3, then 1e-4 for the last fifth).
 */
export const DEMO_PLANS = {
  full: { inputSize: 48, a: { epochs: 7, dropAfter: 5 }, b: { epochs: 3, dropAfter: 2 }, perGroup: 100 },
  quick: { inputSize: 32, a: { epochs: 2, dropAfter: 2 }, b: { epochs: 1, dropAfter: 1 }, perGroup: 25 },
};

/** Options of {@link runDemo}; unset sizes come from the plan. */
export interface DemoOptions {
  quick: boolean;
  /** A real dataset; default: the synthetic set, generated on first use. */
  data?: string;
  inputSize?: number;
  epochsA?: number;
  epochsB?: number;
  seed: number;
  /** Where table.md and tsne.svg/png go. */
  outDir: string;
  runsDir: string;
  cacheDir: string;
  backend: string;
  log?: (line: string) => void;
  /** Write into an output folder this project did not make (`--force`). */
  force?: boolean;
}

const schedule = (epochs: number, dropAfter: number) =>
  dropAfter < epochs ? [{ afterEpoch: dropAfter, lr: 1e-4 }] : [];

/** Runs the demo; returns the text it writes to `<outDir>/table.md`. */
export async function runDemo(o: DemoOptions): Promise<string> {
  const log = o.log ?? ((line: string) => console.log(line));
  const t0 = performance.now();
  const plan = o.quick ? DEMO_PLANS.quick : DEMO_PLANS.full;
  const data = o.data ?? DEMO_SYNTH.out;
  // The output folder is checked before anything is generated or trained.
  await claimOutputDir(o.outDir, { command: "demo", force: o.force });
  if (!o.data) {
    log(
      `data: the synthetic face set in ${DEMO_SYNTH.out} (${DEMO_SYNTH.count} faces, generated if missing)`,
    );
    if (await ensureSynth(DEMO_SYNTH)) {
      log(`generated ${DEMO_SYNTH.out} in ${formatDuration((performance.now() - t0) / 1000)}`);
    }
  }
  const inputSize = o.inputSize ?? plan.inputSize;
  const epochsA = o.epochsA ?? plan.a.epochs;
  const epochsB = o.epochsB ?? plan.b.epochs;
  // The learning-rate drop keeps its place in the plan when the epochs change.
  const scale = (e: number, p: { epochs: number; dropAfter: number }) =>
    Math.round((e * p.dropAfter) / p.epochs);
  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
  log(
    `plan: ${DEMO_GRAPHS.a} for ${epochsA} epochs, then ${DEMO_GRAPHS.b} warm-started from it for ${epochsB}, ` +
      `at ${inputSize}×${inputSize}, seed ${o.seed}`,
  );

  const { pairs } = await runExperiment({
    graphA: DEMO_GRAPHS.a,
    graphB: DEMO_GRAPHS.b,
    data,
    seeds: [o.seed],
    inputSize,
    a: { epochs: epochsA, schedule: schedule(epochsA, scale(epochsA, plan.a)) },
    b: { epochs: epochsB, schedule: schedule(epochsB, scale(epochsB, plan.b)) },
    warmStart: true,
    backend: o.backend,
    runsDir: o.runsDir,
    cacheDir: o.cacheDir,
    outDir: o.outDir,
    runPrefix: `demo-${stamp}`,
    log,
    command: "demo",
  });
  const { a, b } = pairs[0];
  const table = accuracyTable([
    { name: "TMTL", accuracy: accuracies(a.test) },
    { name: "Attention MTL (task dependencies)", accuracy: accuracies(b.test) },
  ]);
  log(`\n— embedding representations for the t-SNE figure`);
  const figure = await tsneFigure({
    runDir: b.runDir,
    data,
    perGroup: plan.perGroup,
    out: join(o.outDir, "tsne"),
    seed: o.seed,
    cacheDir: o.cacheDir,
    log,
  });
  const took = formatDuration((performance.now() - t0) / 1000);
  const text = [
    `Test accuracy (%) on ${data} (${a.test.count} test images) at ${inputSize}×${inputSize}, ` +
    `backend ${o.backend}, ${took} in all:`,
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
  await writeFileAtomic(join(o.outDir, "table.md"), text + "\n");
  return text;
}
