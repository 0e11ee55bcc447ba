/**
 * Writing CSV (RFC 4180): a cell is quoted only when it holds a comma, a quote or a line break.
 *
 * @module
 */

/** One line of CSV from its cells (numbers as JavaScript prints them; undefined as an empty cell). */
export function csvLine(cells: readonly (string | number | undefined)[]): string {
  return cells.map((v) => {
    const text = v === undefined ? "" : String(v);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  }).join(",");
}
