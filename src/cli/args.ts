/**
 * node:util's parseArgs for a command whose options are written out by hand (strict: an unknown flag
 * is a user error with a "did you mean" hint). Commands with a flag table use `defineCommand` from
 * `./command.ts`, which also makes their help text.
 *
 * @module
 */
import { parseArgs as nodeParseArgs } from "node:util";
import { UserError } from "../util/errors.ts";
import { describeParseError } from "../util/flags.ts";

type Options = NonNullable<Parameters<typeof nodeParseArgs>[0]>["options"];

/**
 * Parses command-line flags with node:util's parseArgs (strict: unknown flags are user errors).
 * Returns named values and positionals.
 */
export function parseArgs<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return nodeParseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const { where, detail } = describeParseError(e, Object.keys(options ?? {}));
    throw new UserError(where, `${detail}\nusage: ${usage}`);
  }
}
