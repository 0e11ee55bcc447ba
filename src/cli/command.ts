/**
 * One wrapper for every command: its flag table makes the parser and the `--help` text, a user
 * mistake is one line (see `runMain`), a missing Deno permission becomes a hint that names the folders
 * the command's task may write, and the backend the flags ask for is chosen on first use.
 *
 * @example
 * ```ts
 * const EVAL = defineCommand({
 *   name: "eval",
 *   usage: "RUN_DIR… [flags]",
 *   flags: { json: { type: "boolean", help: "print JSON" }, ...BACKEND_FLAGS },
 *   writes: ["runs", ".cache"],
 * }, async ({ values, positionals, backend }) => {
 *   await backend();
 *   // …
 * });
 * if (import.meta.main) EVAL.main();
 * ```
 * @module
 */
import type { BackendChoice } from "../backend/mod.ts";
import { backendRequestFromArgs } from "../backend/names.ts";
import { systemError, UserError } from "../util/errors.ts";
import { type Flags, HELP_FLAG, type ParsedFlags, parseFlags, renderFlagHelp } from "../util/flags.ts";
import { runMain } from "./main.ts";

/** What a command is: its name, arguments, flags, and what its deno task may write. */
export interface CommandSpec<F extends Flags> {
  /** The deno task: `train`, `data:synth`. */
  name: string;
  /** What follows `deno task <name>` in the usage line, e.g. `[GRAPH] [flags]`. */
  usage: string;
  /** Further usage lines (another way to call it), each after `deno task <name> `. */
  alsoUsage?: readonly string[];
  /** What the command does, for the help text. */
  about?: string;
  /** Positional arguments for the help text: `[name, help]`. */
  positionals?: readonly (readonly [string, string])[];
  /** The flag table; spread `BACKEND_FLAGS` into it for a command that runs a model. */
  flags: F;
  /** Folders the command's deno task may write, for the permission hint (default: none named). */
  writes?: readonly string[];
  /** Where the chosen backend is described: stdout, or stderr for commands whose stdout is data. */
  backendLog?: "stdout" | "stderr";
}

/** What a command's body gets: parsed flags and a backend chooser. */
export interface CommandContext<F extends Flags> extends ParsedFlags<F> {
  /** The command line as given (what a run records). */
  args: string[];
  /** Chooses the backend `--backend`/`--threads` ask for (once) and says which it is. */
  backend(): Promise<BackendChoice>;
}

/** A command ready to run. */
export interface Command {
  name: string;
  /** The flag table (without --help), for tools that read it (the hostile-input tests). */
  flags: Flags;
  /** The usage line(s), as parse errors end. */
  usage: string;
  /** The full `--help` text. */
  help: string;
  /** Runs the command on `args`; a user mistake is thrown as a UserError. */
  run(args: string[]): Promise<void>;
  /** Runs it on Deno.args as a program: a user mistake prints one line and exits 1. */
  main(): void;
}

const COLUMN = 26;

/** The `--help` text of a command. */
export function commandHelp<F extends Flags>(spec: CommandSpec<F>): string {
  const usage = [spec.usage, ...(spec.alsoUsage ?? [])].map((u) => `deno task ${spec.name} ${u}`);
  const positionals = (spec.positionals ?? []).map(([name, help]) => {
    const left = `  ${name}`;
    const lines = help.split("\n").map((l, i) => (i === 0 ? "" : " ".repeat(COLUMN)) + l);
    return left.length < COLUMN
      ? left.padEnd(COLUMN) + lines.join("\n")
      : `${left}\n${" ".repeat(COLUMN)}${lines.join("\n")}`;
  });
  return [
    `usage: ${usage.join("\n       ")}`,
    ...(spec.about ? ["", spec.about] : []),
    "",
    ...positionals,
    renderFlagHelp({ ...spec.flags, ...HELP_FLAG }),
  ].join("\n");
}

/**
 * Turns a missing Deno permission into a one-line UserError saying which folders the command's deno
 * task may write and how to widen it, and an operating-system error about a path (not found, not a
 * directory, name too long, I/O error, …) into one line naming the path; anything else passes through.
 */
export async function withPermissionHint(
  writes: readonly string[],
  body: () => Promise<void>,
): Promise<void> {
  try {
    await body();
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) {
      const what = (e as Error).message.split(", run again")[0];
      const where = writes.length
        ? `The deno task allows writing only under ${
          writes.map((w) => `${w}/`).join(", ")
        }; choose paths there ` +
          `or run the command with \`deno run\` and wider --allow-write/--allow-read`
        : "Run the command with `deno run` and the permission it asks for";
      throw new UserError("", `${what}. ${where}`);
    }
    throw systemError(e) ?? e;
  }
}

/** Makes a command from its spec and body. */
export function defineCommand<F extends Flags>(
  spec: CommandSpec<F>,
  body: (ctx: CommandContext<F>) => Promise<void> | void,
): Command {
  const usage = [spec.usage, ...(spec.alsoUsage ?? [])].map((u) => `deno task ${spec.name} ${u}`).join(
    "   |   ",
  );
  const help = commandHelp(spec);
  const run = async (args: string[]) => {
    const parsed = parseFlags({ ...spec.flags, ...HELP_FLAG }, args, usage);
    if (parsed.values.help) return console.log(help);
    let chosen: Promise<BackendChoice> | undefined;
    const backend = () =>
      chosen ??= (async () => {
        if (!("backend" in spec.flags)) throw new Error(`${spec.name}: no backend flags in its table`);
        const request = backendRequestFromArgs(parsed.values as { backend?: string; threads?: string });
        const { describeBackend, useBackend } = await import("../backend/mod.ts");
        const choice = await useBackend(request.name, { threads: request.threads });
        (spec.backendLog === "stderr" ? console.error : console.log)(describeBackend(choice));
        return choice;
      })();
    const ctx = { ...parsed, values: parsed.values as CommandContext<F>["values"], args, backend };
    await withPermissionHint(spec.writes ?? [], async () => await body(ctx));
  };
  return {
    name: spec.name,
    flags: spec.flags,
    usage,
    help,
    run,
    main: () => void runMain(() => run(Deno.args)),
  };
}
