/**
 * An experiment's report (report.md) and its flat results (results.csv): test accuracy of every arm
 * (mean ± sd over seeds), the per-seed differences of B against the equal-budget control with a
 * paired t-test and the verdict, the other comparisons (B against A as the paper compares them, the
 * control against A, each remedy), and the warm-start dip (validation accuracy after the first
 * epoch from A's weights).
 *
 * @module
 */
import { accuracies } from "../eval/evaluate_run.ts";
import { markdownTable } from "../eval/markdown.ts";
import {
  differenceTable,
  meanSd,
  meanSdCells,
  pairedTTest,
  pct,
  signedPct,
  verdict,
  withAverage,
} from "../eval/paired_stats.ts";
import { csvLine } from "../util/csv.ts";
import type { Arm, ArmKey } from "./arms.ts";
import type { ArmRun, ValPoint } from "./arm_run.ts";

/** Every arm's run for one seed. */
export interface SeedRuns {
  seed: number;
  runs: Partial<Record<ArmKey, ArmRun>>;
}

/** What the report is made from. */
export interface ReportInput {
  /** The report's heading. */
  title: string;
  heads: string[];
  arms: Arm[];
  seeds: SeedRuns[];
  warmStart: boolean;
}

/** Test accuracy per head and their average. */
const testAccuracy = (r: ReportInput, run: ArmRun) => withAverage(r.heads, accuracies(run.test));
const runOf = (s: SeedRuns, key: ArmKey) => s.runs[key]!;
/** The point of the validation curve with the best mean (the first of equals: what `best/` keeps). */
const bestPoint = (curve: ValPoint[]) => curve.reduce((b, p) => (p.mean > b.mean ? p : b));

/** Per-seed differences `x − y` of a column of test accuracy. */
function diffs(r: ReportInput, x: ArmKey, y: ArmKey, column: string): number[] {
  return r.seeds.map((s) => testAccuracy(r, runOf(s, x))[column] - testAccuracy(r, runOf(s, y))[column]);
}

/** The report as Markdown. */
export function experimentReport(r: ReportInput): string {
  const columns = [...r.heads, "average"];
  const arm = (key: ArmKey) => r.arms.find((a) => a.key === key)!;
  const [a, control, b] = [arm("a"), arm("control"), arm("b")];
  const remedies = r.arms.filter((x) => x.key === "warmup-new" || x.key === "warmup-lr");
  const n = r.seeds.length;
  const decisive = columns.map((c) => diffs(r, "b", "control", c));

  const comparison = (x: Arm, y: Arm, what: string) => {
    const d = diffs(r, x.key, y.key, "average");
    const { mean, sd } = meanSd(d);
    const t = pairedTTest(d);
    return [
      `${x.label} − ${y.label}${what}`,
      Number.isFinite(sd) ? `${signedPct(mean)} ± ${pct(sd)}` : signedPct(mean),
      Number.isFinite(t.t) ? `${t.t.toFixed(2)} (${t.p.toFixed(3)})` : "–",
    ];
  };
  const epochsB = runOf(r.seeds[0], "b").epochs;
  const others = [
    comparison(b, a, ` (the paper's comparison: ${b.label} also trained ${epochsB} more epochs)`),
    comparison(control, a, ` (what ${epochsB} more epochs give ${a.label})`),
    ...remedies.flatMap((m) => [comparison(m, control, ""), comparison(m, b, "")]),
  ];

  return [
    `# ${r.title}`,
    "",
    `Runs per seed (${n} seed${n > 1 ? "s" : ""}: ${r.seeds.map((s) => s.seed).join(", ")}):`,
    "",
    ...r.arms.map((x) => `- **${x.label}**: ${x.about}.`),
    "",
    `Test accuracy (%), mean ± sd over ${n} seed${n > 1 ? "s" : ""}:`,
    "",
    markdownTable(
      ["Architecture", ...columns],
      r.arms.map((
        x,
      ) => [x.label, ...meanSdCells(columns, r.seeds.map((s) => testAccuracy(r, runOf(s, x.key))))]),
    ),
    "",
    `Per-seed difference ${b.label} − ${control.label} (percentage points): the equal-budget comparison, ` +
    "which decides:",
    "",
    differenceTable(r.seeds.map((s) => s.seed), columns, decisive),
    "",
    `**Verdict** (${b.label} vs ${control.label}, equal budget): ${verdict(decisive.at(-1)!)}`,
    "",
    "Other comparisons of the average (percentage points, per-seed differences):",
    "",
    markdownTable(["Comparison", "mean ± sd", "paired t (p)"], others),
    ...(r.warmStart ? ["", ...dipSection(r, [control, b, ...remedies])] : []),
  ].join("\n");
}

/** The warm-start dip: validation accuracy at the start (A's best) and after each run's first epoch. */
function dipSection(r: ReportInput, arms: Arm[]): string[] {
  const columns = [...r.heads, "mean"];
  const cells = (points: ValPoint[]) =>
    meanSdCells(columns, points.map((p) => ({ ...p.heads, mean: p.mean })));
  const start = r.seeds.map((s) => bestPoint(runOf(s, "a").valCurve));
  const rows = arms.map((x) => {
    const first = r.seeds.map((s) => runOf(s, x.key).valCurve[0]);
    const change = first.map((p, i) => p.mean - start[i].mean);
    const best = r.seeds.map((s) => bestPoint(runOf(s, x.key).valCurve).mean);
    return [
      `${x.label}, after epoch 1`,
      ...cells(first),
      `${signedPct(meanSd(change).mean)}`,
      meanSdCells(["best"], best.map((v) => ({ best: v })))[0],
    ];
  });
  const a = r.arms.find((x) => x.key === "a")!;
  return [
    `Warm-start dip: validation accuracy (%) at the start (${a.label}'s best epoch, the weights the ` +
    "others start from) and after each run's first epoch; mean ± sd over seeds:",
    "",
    markdownTable(
      ["Run", ...columns, "change of mean", "best mean"],
      [[`${a.label}, best epoch (the start)`, ...cells(start), "", ""], ...rows],
    ),
  ];
}

/** One CSV row per seed and arm: test accuracies, the validation dip and time. */
export function resultsCsv(r: ReportInput): string {
  const header = [
    "seed",
    "arm",
    "label",
    "graph",
    "run",
    "epochs",
    ...r.heads.map((h) => `test_${h}`),
    "test_average",
    "val_mean_after_epoch1",
    "val_mean_best",
    "train_seconds",
  ];
  const rows = r.seeds.flatMap((s) =>
    r.arms.map((x) => {
      const run = runOf(s, x.key);
      const acc = testAccuracy(r, run);
      return csvLine([
        s.seed,
        x.key,
        x.label,
        x.graph,
        run.runDir,
        run.epochs,
        ...r.heads.map((h) => acc[h]),
        acc.average,
        run.valCurve[0]?.mean,
        run.valCurve.length ? bestPoint(run.valCurve).mean : undefined,
        run.trainSeconds,
      ]);
    })
  );
  return [csvLine(header), ...rows].join("\n") + "\n";
}
