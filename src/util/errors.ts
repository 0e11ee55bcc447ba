/**
 * A mistake in what the user gave us (a graph file, a dataset, a flag).
 * The CLI prints `message` on one line and exits 1, without a stack trace;
 * anything that is not a UserError is a bug and keeps its stack.
 *
 * `where` names the place: a dotted path in a graph spec (`heads.smile.dependsOn.gendr`),
 * or `file:line[:col]` in a data file.
 */
export class UserError extends Error {
  constructor(readonly where: string, readonly detail: string) {
    super(where ? `${where}: ${detail}` : detail);
    this.name = "UserError";
  }
}

/** Type guard usable across module copies. */
export function isUserError(e: unknown): e is UserError {
  return e instanceof Error && e.name === "UserError";
}
