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

const pct = (v: number, digits = 2) => (Number.isFinite(v) ? (100 * v).toFixed(digits) : "–");
const withAverage = (heads: string[], acc: Record<string, number>): Record<string, number> => ({
  ...acc,
  average: heads.reduce((s, h) => s + acc[h], 0) / heads.length,
});

/**
 * Markdown report: a table of mean ± sd per head (and average) for A and B, a table of the per-seed
 * differences B − A in percentage points, and the paired t-test per column.
 */
export function pairedReport(r: PairedAccuracies): string {
  const columns = [...r.heads, "average"];
  const a = r.a.perSeed.map((x) => withAverage(r.heads, x));
  const b = r.b.perSeed.map((x) => withAverage(r.heads, x));
  const summary = (rows: Record<string, number>[]) =>
    columns.map((c) => {
      const { mean, sd } = meanSd(rows.map((x) => x[c]));
      return Number.isFinite(sd) ? `${pct(mean)} ± ${pct(sd)}` : pct(mean);
    });
  const diffs = columns.map((c) => a.map((_, i) => b[i][c] - a[i][c]));
  const tests = diffs.map((d) => pairedTTest(d));
  const signed = (v: number) => (v >= 0 ? "+" : "") + pct(v);
  return [
    `Test accuracy (%), mean ± sd over ${r.seeds.length} seed${r.seeds.length > 1 ? "s" : ""}:`,
    "",
    markdownTable(["Architecture", ...columns], [[r.a.name, ...summary(a)], [r.b.name, ...summary(b)]]),
    "",
    `Per-seed difference ${r.b.name} − ${r.a.name} (percentage points):`,
    "",
    markdownTable(
      ["Seed", ...columns],
      [
        ...r.seeds.map((seed, i) => [String(seed), ...diffs.map((d) => signed(d[i]))]),
        ["mean ± sd", ...diffs.map((d) => `${signed(meanSd(d).mean)} ± ${pct(meanSd(d).sd)}`)],
        [
          "paired t (p)",
          ...tests.map((t) => (Number.isFinite(t.t) ? `${t.t.toFixed(2)} (${t.p.toFixed(3)})` : "–")),
        ],
      ],
    ),
    "",
    verdict(columns, diffs, tests),
  ].join("\n");
}

function verdict(columns: string[], diffs: number[][], tests: { p: number }[]): string {
  const i = columns.indexOf("average");
  const { mean } = meanSd(diffs[i]);
  if (!Number.isFinite(tests[i].p)) {
    return "With fewer than two seeds (or identical differences) no test is possible: run more seeds.";
  }
  const direction = mean > 0 ? "higher" : "lower";
  return tests[i].p < 0.05
    ? `The average is ${direction} by ${pct(Math.abs(mean))} points, unlikely to be seed noise (p = ${
      tests[i].p.toFixed(3)
    }).`
    : `The average differs by ${pct(mean)} points, within seed noise (p = ${tests[i].p.toFixed(3)}).`;
}
