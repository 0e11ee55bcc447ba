/**
 * Accuracy tables in the style of the paper's Table 1: one row per architecture (or run), one column
 * per head (smile, gender), and their average, as Markdown.
 *
 * @module
 */
import { markdownTable } from "./markdown.ts";

/** One row: a name and each head's accuracy as a fraction in [0, 1]. */
export interface TableRow {
  name: string;
  accuracy: Record<string, number>;
}

/** Options of {@link accuracyTable}. */
export interface TableOptions {
  /** Column order (default: heads in order of first appearance). */
  heads?: string[];
  /** Digits after the point of the percentages (default 2). */
  digits?: number;
  /** Title of the first column (default "Architecture"). */
  label?: string;
  /** Bold the best value of each column when there are several rows (default true). */
  boldBest?: boolean;
}

/**
 * A Markdown table of accuracies in percent; the last column is the mean over the row's heads.
 * A head a row lacks shows as `–` and is left out of that row's average.
 *
 * @example
 * ```ts
 * accuracyTable([{ name: "TMTL", accuracy: { smile: 0.9213, gender: 0.9731 } }]);
 * // | Architecture | smile | gender | average |
 * // | :----------- | ----: | -----: | ------: |
 * // | TMTL         | 92.13 |  97.31 |   94.72 |
 * ```
 */
export function accuracyTable(rows: readonly TableRow[], o: TableOptions = {}): string {
  const digits = o.digits ?? 2;
  const heads = o.heads ?? [...new Set(rows.flatMap((r) => Object.keys(r.accuracy)))];
  const columns = [...heads, "average"];
  const values = rows.map((r) => {
    const present = heads.filter((h) => Number.isFinite(r.accuracy[h]));
    const avg = present.length ? present.reduce((s, h) => s + r.accuracy[h], 0) / present.length : NaN;
    return [...heads.map((h) => r.accuracy[h]), avg];
  });
  const best = columns.map((_, c) =>
    Math.max(...values.map((v) => (Number.isFinite(v[c]) ? v[c] : -Infinity)))
  );
  const bold = (o.boldBest ?? true) && rows.length > 1;
  const cell = (v: number | undefined, c: number) => {
    if (v === undefined || !Number.isFinite(v)) return "–";
    const text = (100 * v).toFixed(digits);
    return bold && v === best[c] ? `**${text}**` : text;
  };
  const header = [o.label ?? "Architecture", ...columns];
  const body = rows.map((r, i) => [r.name, ...values[i].map((v, c) => cell(v, c))]);
  return markdownTable(header, body);
}
