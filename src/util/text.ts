/**
 * User text inside our messages: a path, flag value or name the user typed may hold newlines, escape
 * sequences or other control characters, which would split an error into several lines or repaint the
 * terminal. They are shown escaped instead (`\n`, `\x1b`, `\u2028`).
 *
 * @module
 */

// C0 and C1 controls, DEL, and the two Unicode line separators.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** `text` with every control character escaped, so it prints on one line and changes nothing on screen. */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => {
    if (Object.hasOwn(NAMED, c)) return NAMED[c];
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`;
  });
}

/** A user value quoted for a message: `'3,x'`, with control characters escaped and long text cut. */
export function quoted(text: string, max = 80): string {
  const shown = text.length > max ? `${text.slice(0, max)}…` : text;
  return `'${printable(shown)}'`;
}
