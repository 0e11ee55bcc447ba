import { printable } from "./text.ts";

/** What separates a message from the usage line that parse errors end with. */
const USAGE = "\nusage: ";

/**
 * A mistake in what the user gave us (a graph file, a dataset, a flag).
 * The CLI prints `message` on one line and exits 1, without a stack trace;
 * anything that is not a UserError is a bug and keeps its stack.
 *
 * `where` names the place: a dotted path in a graph spec (`heads.smile.dependsOn.gendr`),
 * or `file:line[:col]` in a data file. Control characters from user text (a newline in a path or a
 * flag value) are shown escaped, so the message stays one line; a parse error's usage line, which
 * follows `\nusage: `, is kept as the second line.
 */
export class UserError extends Error {
  constructor(readonly where: string, readonly detail: string) {
    const cut = detail.lastIndexOf(USAGE);
    const [text, usage] = cut < 0 ? [detail, ""] : [detail.slice(0, cut), detail.slice(cut)];
    const line = printable(where ? `${where}: ${text}` : text);
    super(line + usage);
    this.name = "UserError";
  }
}

/** Type guard usable across module copies. */
export function isUserError(e: unknown): e is UserError {
  return e instanceof Error && e.name === "UserError";
}

/**
 * An error of the operating system about a path the user named (no such file, not a directory, file
 * name too long, input/output error, permission denied, …) as a one-line UserError naming the path;
 * undefined for any other error. Deno words these `<what> (os error N): <call> '<path>'`.
 */
export function systemError(e: unknown): UserError | undefined {
  if (isUserError(e)) return undefined;
  const message = e instanceof Error ? e.message : "";
  const nul = /^file name contained an unexpected NUL byte(?:: (\w+) '(.*)')?/s.exec(message);
  if (nul) {
    return new UserError(
      (nul[2] ?? "").slice(0, 200),
      `a file name cannot hold a NUL byte${nul[1] ? ` (${nul[1]})` : ""}`,
    );
  }
  const m = /^(.*?) \(os error \d+\)(?:: (\w+) '(.*)')?/s.exec(message);
  if (!m) return undefined;
  const [, what, call, path] = m;
  const shown = path && path.length > 200 ? `${path.slice(0, 200)}…` : path;
  return shown ? new UserError(shown, `${what.toLowerCase()} (${call})`) : new UserError("", what);
}

/** The operating system's reason in an error, without the call and path (`is a directory`). */
export function osReason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const m = /^(.*?) \(os error \d+\)/s.exec(message);
  return (m ? m[1].toLowerCase() : message.split("\n")[0]).slice(0, 200);
}
