/**
 * The main job: the paper's experiment end to end on this machine, with the equal-budget control.
 * Generates the synthetic face set if missing; per seed trains TMTL, continues it for the attention
 * network's epochs (the control), warm-starts the attention network from it; evaluates all on the
 * test split; and writes the three rows (TMTL, TMTL continued, attention MTL; mean ± sd over the
 * seeds, the paired test of attention MTL against the control, the warm-start dip) with the training
 * curves and the t-SNE figure (paper figs 5–6).
 *
 * @module
 */
import { join } from "node:path";
import { ensureSynth } from "../data/mod.ts";
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
 * Sizes meant to fit the time budget: the full demo in about 5 minutes on 2 cores with the native
 * backend (`--backend onednn`), `--quick` in about 1. Per seed A trains `a.epochs`, the control and
 * B `b.epochs` each. Learning-rate drops keep the paper's shape (1e-3, then 1e-4 for the last part).
 */
export const DEMO_PLANS = {
  full: {
    inputSize: 48,
    seeds: 3,
    a: { epochs: 4, dropAfter: 3 },
    b: { epochs: 2, dropAfter: 1 },
    perGroup: 100,
  },
  quick: {
    inputSize: 32,
    seeds: 2,
    a: { epochs: 2, dropAfter: 2 },
    b: { epochs: 1, dropAfter: 1 },
    perGroup: 25,
  },
};

/** Row names of the demo's table (the paper's Table 1 names). */
export const DEMO_LABELS = { a: "TMTL", b: "Attention MTL (task dependencies)" } as const;

/** Options of {@link runDemo}; unset sizes come from the plan. */
export interface DemoOptions {
  quick: boolean;
  /** A real dataset; default: the synthetic set, generated on first use. */
  data?: string;
  inputSize?: number;
  epochsA?: number;
  epochsB?: number;
  /** How many seeds (default: the plan's). */
  seeds?: number;
  /** The first seed; the others follow it. */
  seed: number;
  /** Where table.md, report.md, results.json/csv and tsne.svg/png go. */
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
  const seeds = Array.from({ length: o.seeds ?? plan.seeds }, (_, i) => o.seed + i);
  // The learning-rate drop keeps its place in the plan when the epochs change.
  const scale = (e: number, p: { epochs: number; dropAfter: number }) =>
    Math.round((e * p.dropAfter) / p.epochs);
  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
  log(
    `plan, per seed (${seeds.join(", ")}): ${DEMO_GRAPHS.a} for ${epochsA} epochs; from its weights, ` +
      `${DEMO_GRAPHS.a} continued and ${DEMO_GRAPHS.b} for ${epochsB} each; at ${inputSize}×${inputSize}`,
  );

  const result = await runExperiment({
    graphA: DEMO_GRAPHS.a,
    graphB: DEMO_GRAPHS.b,
    data,
    seeds,
    inputSize,
    a: { epochs: epochsA, schedule: schedule(epochsA, scale(epochsA, plan.a)) },
    b: { epochs: epochsB, schedule: schedule(epochsB, scale(epochsB, plan.b)) },
    warmStart: true,
    labels: DEMO_LABELS,
    backend: o.backend,
    runsDir: o.runsDir,
    cacheDir: o.cacheDir,
    outDir: o.outDir,
    runPrefix: `demo-${stamp}`,
    log,
    command: "demo",
  });
  const first = result.seeds[0].runs;
  log(`\n— embedding representations for the t-SNE figure`);
  const figure = await tsneFigure({
    runDir: first.b!.runDir,
    data,
    perGroup: plan.perGroup,
    out: join(o.outDir, "tsne"),
    seed: o.seed,
    cacheDir: o.cacheDir,
    log,
  });
  const took = formatDuration((performance.now() - t0) / 1000);
  const runs = result.arms.map((arm) => {
    const run = first[arm.key]!;
    return `  - ${arm.label}: ${run.runDir} (${formatDuration(run.trainSeconds)}), curves ${
      join(run.runDir, "curves.png")
    }`;
  });
  const text = [
    `Demo on ${data} (${
      first.a!.test.count
    } test images) at ${inputSize}×${inputSize}, backend ${o.backend}, ` +
    `${seeds.length} seed${seeds.length > 1 ? "s" : ""}, ${took} in all.`,
    "",
    // The experiment's report without its heading.
    result.report.split("\n").slice(2).join("\n"),
    "",
    `- Runs of seed ${seeds[0]}:`,
    ...runs,
    `- t-SNE of FC and attended layers (seed ${seeds[0]}'s attention MTL): ${figure.png} (${figure.svg})`,
    `- The same numbers per seed: ${join(o.outDir, "results.csv")} and results.json`,
  ].join("\n");
  await writeFileAtomic(join(o.outDir, "table.md"), text + "\n");
  return text;
}
