/**
 * A Markdown table with aligned columns: the first left-aligned (names), the rest right-aligned (numbers).
 *
 * @example
 * ```ts
 * markdownTable(["Architecture", "smile"], [["TMTL", "92.13"]]);
 * // | Architecture | smile |
 * // | :----------- | ----: |
 * // | TMTL         | 92.13 |
 * ```
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, 3, ...rows.map((row) => row[c].length)));
  const line = (cells: readonly string[]) =>
    "| " + cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join(" | ") + " |";
  const rule = "| " +
    widths.map((w, c) => (c === 0 ? ":" + "-".repeat(w - 1) : "-".repeat(w - 1) + ":")).join(" | ") + " |";
  return [line(header), rule, ...rows.map(line)].join("\n");
}
