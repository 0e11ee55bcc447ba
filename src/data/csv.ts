import { UserError } from "../util/errors.ts";

/** One CSV record with the 1-based line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Parses CSV (RFC 4180: quoted fields with `""` escapes and embedded newlines; CRLF, LF or CR).
 * Blank lines are skipped. Unquoted fields lose their surrounding spaces; quoted ones keep their
 * content exactly (spaces after the closing quote are dropped). A quote that is never closed is a
 * UserError naming `file` and the line the field starts on.
 */
export function parseCsv(text: string, delimiter = ",", file = "CSV"): CsvRecord[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = 0;
  const n = text.length;
  const endField = () => {
    fields.push(quoted ? field : field.trim());
    field = "";
    quoted = false;
  };
  const endRecord = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: start, fields });
    fields = [];
  };
  /** Length of the line break at `k` (CRLF 2, LF or CR 1), 0 when there is none. */
  const lineBreak = (k: number) =>
    text[k] === "\r" ? (text[k + 1] === "\n" ? 2 : 1) : text[k] === "\n" ? 1 : 0;
  while (i < n) {
    const c = text[i];
    if (c === '"' && field.trim() === "" && !quoted) {
      const opened = line;
      field = "";
      quoted = true;
      i++;
      let closed = false;
      while (i < n) {
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        const br = lineBreak(i);
        if (br > 0) {
          field += text.slice(i, i + br);
          i += br;
          line++;
          continue;
        }
        field += text[i++];
      }
      if (!closed) {
        throw new UserError(
          `${file}:${opened}`,
          `a quoted field opened on this line is never closed (missing ")`,
        );
      }
      // Spaces after the closing quote are dropped; other text up to the delimiter is kept (lenient).
      let rest = "";
      while (i < n && text[i] !== delimiter && lineBreak(i) === 0) rest += text[i++];
      field += rest.trimEnd();
      continue;
    }
    const br = lineBreak(i);
    if (c === delimiter) {
      endField();
      i++;
    } else if (br > 0) {
      endRecord();
      i += br;
      line++;
      start = line;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== "" || quoted || fields.length > 0) endRecord();
  return records;
}
