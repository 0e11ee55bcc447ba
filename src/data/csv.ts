/** One CSV record with the 1-based line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Parses CSV (RFC 4180: quoted fields with `""` escapes and embedded newlines; CRLF or LF).
 * Blank lines are skipped. Fields are not trimmed except for surrounding spaces of unquoted fields.
 */
export function parseCsv(text: string, delimiter = ","): CsvRecord[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = 0;
  const n = text.length;
  const endRecord = () => {
    fields.push(quoted ? field : field.trim());
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: start, fields });
    fields = [];
    field = "";
    quoted = false;
  };
  while (i < n) {
    const c = text[i];
    if (c === '"' && field.trim() === "" && !quoted) {
      // Quoted field.
      field = "";
      quoted = true;
      i++;
      while (i < n) {
        const d = text[i];
        if (d === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (d === "\n") line++;
        field += d;
        i++;
      }
      // Anything between the closing quote and the delimiter is kept (lenient).
      while (i < n && text[i] !== delimiter && text[i] !== "\n" && text[i] !== "\r") field += text[i++];
      continue;
    }
    if (c === delimiter) {
      fields.push(quoted ? field : field.trim());
      field = "";
      quoted = false;
      i++;
    } else if (c === "\r" || c === "\n") {
      endRecord();
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
      start = line;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== "" || fields.length > 0) endRecord();
  return records;
}
