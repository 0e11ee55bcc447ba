/**
 * Statistics of a paired comparison over seeds: per head, each architecture's mean ± standard
 * deviation, the per-seed differences B − A, and a paired t-test on them, so a reader can tell a
 * real gain from seed noise.
 *
 * @module
 */
import tCdf from "@stdlib/stats-base-dists-t-cdf";
import { markdownTable } from "./markdown.ts";

/** Mean and sample standard deviation (n − 1); sd is NaN for a single value. */
export function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : NaN;
  return { mean, sd };
}

/** A paired t-test of differences against 0: t statistic, degrees of freedom, two-sided p. */
export function pairedTTest(differences: readonly number[]): { t: number; df: number; p: number } {
  const df = differences.length - 1;
  const { mean, sd } = meanSd(differences);
  if (df < 1 || !(sd > 0)) return { t: NaN, df, p: NaN };
  const t = mean / (sd / Math.sqrt(differences.length));
  return { t, df, p: 2 * (1 - tCdf(Math.abs(t), df)) };
}

/** Per-seed accuracies of the two architectures, head by head (fractions in [0, 1]). */
export interface PairedAccuracies {
  heads: string[];
  a: { name: string; perSeed: Record<string, number>[] };
  b: { name: string; perSeed: Record<string, number>[] };
  seeds: number[];
}

/** A fraction as a percentage with `digits` decimals; "–" for NaN. */
export const pct = (v: number, digits = 2): string => (Number.isFinite(v) ? (100 * v).toFixed(digits) : "–");
/** A difference of fractions in signed percentage points (`+1.25`, `-0.50`). */
export function signedPct(v: number): string {
  const text = pct(v);
  if (!Number.isFinite(v)) return text;
  // A small negative value that rounds to zero shows as +0.00, not -0.00.
  return text.startsWith("-") && /[1-9]/.test(text) ? text : `+${text.replace(/^-/, "")}`;
}

/** Per-head accuracies with their mean over `heads` added as `average`. */
export function withAverage(heads: readonly string[], acc: Record<string, number>): Record<string, number> {
  return { ...acc, average: heads.reduce((s, h) => s + acc[h], 0) / heads.length };
}

/** `mean ± sd` (percent) of each column over the seeds' rows; the mean alone for one seed. */
export function meanSdCells(columns: readonly string[], rows: readonly Record<string, number>[]): string[] {
  return columns.map((c) => {
    const { mean, sd } = meanSd(rows.map((x) => x[c]));
    return Number.isFinite(sd) ? `${pct(mean)} ± ${pct(sd)}` : pct(mean);
  });
}

/**
 * The per-seed differences table: one row per seed, then mean ± sd and the paired t-test (p) per
 * column. `diffs[c][i]` is column c's difference at seed i (fractions; shown in points).
 */
export function differenceTable(
  seeds: readonly number[],
  columns: readonly string[],
  diffs: number[][],
): string {
  const tests = diffs.map((d) => pairedTTest(d));
  return markdownTable(
    ["Seed", ...columns],
    [
      ...seeds.map((seed, i) => [String(seed), ...diffs.map((d) => signedPct(d[i]))]),
      ["mean ± sd", ...diffs.map((d) => `${signedPct(meanSd(d).mean)} ± ${pct(meanSd(d).sd)}`)],
      [
        "paired t (p)",
        ...tests.map((t) => (Number.isFinite(t.t) ? `${t.t.toFixed(2)} (${t.p.toFixed(3)})` : "–")),
      ],
    ],
  );
}

/**
 * Markdown report: a table of mean ± sd per head (and average) for A and B, a table of the per-seed
 * differences B − A in percentage points, and the paired t-test per column.
 */
export function pairedReport(r: PairedAccuracies): string {
  const columns = [...r.heads, "average"];
  const a = r.a.perSeed.map((x) => withAverage(r.heads, x));
  const b = r.b.perSeed.map((x) => withAverage(r.heads, x));
  const diffs = columns.map((c) => a.map((_, i) => b[i][c] - a[i][c]));
  return [
    `Test accuracy (%), mean ± sd over ${r.seeds.length} seed${r.seeds.length > 1 ? "s" : ""}:`,
    "",
    markdownTable(["Architecture", ...columns], [
      [r.a.name, ...meanSdCells(columns, a)],
      [r.b.name, ...meanSdCells(columns, b)],
    ]),
    "",
    `Per-seed difference ${r.b.name} − ${r.a.name} (percentage points):`,
    "",
    differenceTable(r.seeds, columns, diffs),
    "",
    verdict(diffs[columns.indexOf("average")]),
  ].join("\n");
}

/** One sentence on the average's per-seed differences: higher or lower beyond seed noise, or within it. */
export function verdict(averageDiffs: readonly number[]): string {
  const { mean } = meanSd(averageDiffs);
  const { p } = pairedTTest(averageDiffs);
  if (!Number.isFinite(p)) {
    return "With fewer than two seeds (or identical differences) no test is possible: run more seeds.";
  }
  const direction = mean > 0 ? "higher" : "lower";
  return p < 0.05
    ? `The average is ${direction} by ${pct(Math.abs(mean))} points, unlikely to be seed noise (p = ${
      p.toFixed(3)
    }).`
    : `The average differs by ${pct(mean)} points, within seed noise (p = ${p.toFixed(3)}).`;
}
