import { isUserError } from "../util/errors.ts";

/**
 * Runs a command's body: a user mistake prints one line `error: …` and exits 1
 * (no stack trace); anything else is a bug and is rethrown with its stack.
 *
 * @example
 * ```ts
 * if (import.meta.main) runMain(async () => { ... });
 * ```
 */
export async function runMain(body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
  } catch (e) {
    if (isUserError(e)) {
      console.error(`error: ${e.message}`);
      Deno.exit(1);
    }
    throw e;
  }
}
