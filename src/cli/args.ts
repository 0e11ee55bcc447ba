import { parseArgs as nodeParseArgs } from "node:util";
import { UserError } from "../util/errors.ts";

type Options = NonNullable<Parameters<typeof nodeParseArgs>[0]>["options"];

/**
 * Parses command-line flags with node:util's parseArgs (strict: unknown flags are user errors).
 * Returns named values and positionals.
 */
export function parseArgs<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return nodeParseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UserError("", `${(e as Error).message}\nusage: ${usage}`);
  }
}
