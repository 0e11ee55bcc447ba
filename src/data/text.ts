/** Splits text into lines, tolerating CRLF and lone CR; a trailing newline adds no line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Splits a line on any run of whitespace (spaces, tabs), ignoring leading/trailing space. */
export function fields(line: string): string[] {
  const t = line.trim();
  return t === "" ? [] : t.split(/\s+/);
}

/** Reads a text file, turning "not found" into `undefined`; strips a UTF-8 BOM. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    const text = await Deno.readTextFile(path);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}
