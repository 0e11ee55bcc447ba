/**
 * A table of command-line flags (`{ type, default, help }`) from which both node:util's parseArgs
 * options and the help text are made, so a flag and its default are written once. Parsing turns
 * values into their types (integers and numbers checked against their ranges, choices checked),
 * and an unknown flag gets a "did you mean" hint.
 *
 * @example
 * ```ts
 * const FLAGS = {
 *   epochs: { type: "int", arg: "N", help: "epochs to train" },
 *   cache: { type: "string", arg: "DIR", default: ".cache/data", help: "decoded-image cache" },
 * } as const satisfies Flags;
 * const { values } = parseFlags(FLAGS, ["--epochs", "3"], "deno task train [flags]");
 * values.epochs; // 3 (number | undefined)
 * values.cache; // ".cache/data" (string: it has a default)
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { UserError } from "./errors.ts";
import { closest } from "./suggest.ts";
import { quoted } from "./text.ts";

interface FlagBase {
  /** What the flag does, for the help text (may span lines with `\n`). */
  help: string;
  /** Placeholder of the value in the help text (`N`, `PATH`). */
  arg?: string;
  /** One-letter alias (`h` for `-h`). */
  short?: string;
  /** Said instead of the default in the help text when the default depends on context. */
  defaultText?: string;
}

/** A flag taking a string, optionally one of `choices`; an empty value is refused unless `allowEmpty`. */
export interface StringFlag extends FlagBase {
  type: "string";
  default?: string;
  choices?: readonly string[];
  allowEmpty?: boolean;
}

/** An on/off flag; `negatable` also accepts `--no-<name>` (the value is then false). */
export interface BooleanFlag extends FlagBase {
  type: "boolean";
  default?: boolean;
  negatable?: boolean;
}

/** A flag taking a whole number in [min, max] (default 1..1e9). */
export interface IntFlag extends FlagBase {
  type: "int";
  default?: number;
  min?: number;
  max?: number;
}

/** A flag taking a finite number in [min, max]. */
export interface NumberFlag extends FlagBase {
  type: "number";
  default?: number;
  min: number;
  max: number;
}

/** One entry of a flag table. */
export type Flag = StringFlag | BooleanFlag | IntFlag | NumberFlag;
/** A flag table: flag name (without `--`) to its definition. */
export type Flags = Record<string, Flag>;

/** The parsed type of one flag. */
export type FlagValue<F extends Flag> = F extends { choices: readonly (infer C)[] } ? C
  : F extends { type: "boolean" } ? boolean
  : F extends { type: "string" } ? string
  : number;

/** Parsed values: a flag with a default always has a value; any other may be undefined. */
export type FlagValues<F extends Flags> = {
  -readonly [K in keyof F]: F[K] extends { default: unknown } ? FlagValue<F[K]> : FlagValue<F[K]> | undefined;
};

/** What {@link parseFlags} returns. */
export interface ParsedFlags<F extends Flags> {
  values: FlagValues<F>;
  positionals: string[];
  /** The flags given on the command line, by name, as spelled (`no-flip` for flip's negative form). */
  given: Map<keyof F & string, string>;
}

/** The `--help`/`-h` entry every command has. */
export const HELP_FLAG = {
  help: { type: "boolean", short: "h", help: "print this help and exit" },
} as const satisfies Flags;

type ParseArgsOption = { type: "string" | "boolean"; short?: string; default?: string | boolean };

/** Option definitions for node:util's parseArgs (defaults are applied by {@link parseFlags}). */
export function parseArgsOptions<F extends Flags>(
  flags: F,
): { [K in keyof F]: { type: F[K] extends { type: "boolean" } ? "boolean" : "string"; default?: string } } {
  const out: Record<string, ParseArgsOption> = {};
  for (const [name, f] of Object.entries(flags)) {
    out[name] = { type: f.type === "boolean" ? "boolean" : "string", ...(f.short ? { short: f.short } : {}) };
    if (f.default !== undefined && f.type !== "boolean") out[name].default = String(f.default);
  }
  return out as never;
}

/** Every spelling parseArgs must accept: the flags, plus `no-<name>` for negatable ones. */
function spellings(flags: Flags): Record<string, ParseArgsOption> {
  const out: Record<string, ParseArgsOption> = {};
  for (const [name, f] of Object.entries(flags)) {
    out[name] = { type: f.type === "boolean" ? "boolean" : "string", ...(f.short ? { short: f.short } : {}) };
    if (f.type === "boolean" && f.negatable) out[`no-${name}`] = { type: "boolean" };
  }
  return out;
}

/**
 * A parse error of node:util's parseArgs as one line for the user; an unknown flag gets the nearest
 * known one as a hint (`--epoch: unknown flag (did you mean --epochs?)`).
 */
export function describeParseError(e: unknown, known: readonly string[]): { where: string; detail: string } {
  const message = (e as Error).message;
  const unknown = /^Unknown option '(-{1,2})([^'=]+)/.exec(message);
  if ((e as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown) {
    const [, dashes, name] = unknown;
    const hint = dashes === "--" ? closest(name, known) : undefined;
    const shown = name.length > 60 ? `${name.slice(0, 60)}…` : name;
    return { where: dashes + shown, detail: `unknown flag${hint ? ` (did you mean --${hint}?)` : ""}` };
  }
  // parseArgs' own words span lines ("argument is ambiguous.\nDid you forget…"): say it in one.
  const ambiguous = /^Option '(-{1,2}[^' ]+)' argument is ambiguous/.exec(message);
  if (ambiguous) {
    const flag = ambiguous[1];
    return { where: flag, detail: `needs a value; give one that starts with '-' as ${flag}=VALUE` };
  }
  const detail = message.split("\n")[0].split(". To specify")[0];
  return { where: "", detail: detail.length > 200 ? `${detail.slice(0, 200)}…` : detail };
}

function convert(name: string, f: Flag, raw: string | boolean): string | number | boolean {
  if (f.type === "boolean") return raw;
  const text = String(raw);
  if (f.type === "string") {
    if (text === "" && !f.allowEmpty) throw new UserError(`--${name}`, "expected a value, got ''");
    if (f.choices && !f.choices.includes(text)) {
      throw new UserError(`--${name}`, `expected one of ${f.choices.join(", ")}, got ${quoted(text)}`);
    }
    return text;
  }
  const n = Number(text);
  if (f.type === "int") {
    const [min, max] = [f.min ?? 1, f.max ?? 1e9];
    if (!Number.isInteger(n) || text.trim() === "" || n < min || n > max) {
      throw new UserError(`--${name}`, `expected an integer in ${min}..${max}, got ${quoted(text)}`);
    }
    return n;
  }
  if (text.trim() === "" || !Number.isFinite(n) || n < f.min || n > f.max) {
    throw new UserError(`--${name}`, `expected a number in ${f.min}..${f.max}, got ${quoted(text)}`);
  }
  return n;
}

/**
 * Parses `args` against a flag table (strict: an unknown flag is a UserError with a suggestion).
 * Values come back typed and checked, with defaults filled in; `usage` ends every parse error.
 */
export function parseFlags<F extends Flags>(
  flags: F,
  args: readonly string[],
  usage: string,
): ParsedFlags<F> {
  const options = spellings(flags);
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (e) {
    const { where, detail } = describeParseError(e, Object.keys(options));
    throw new UserError(where, `${detail}\nusage: ${usage}`);
  }
  const raw = parsed.values as Record<string, string | boolean | undefined>;
  const values: Record<string, unknown> = {};
  const given = new Map<string, string>();
  for (const [name, f] of Object.entries(flags)) {
    const yes = raw[name], no = f.type === "boolean" && f.negatable ? raw[`no-${name}`] : undefined;
    if (yes !== undefined && no !== undefined) {
      throw new UserError(`--${name}`, `give --${name} or --no-${name}, not both`);
    }
    if (yes !== undefined) given.set(name, name);
    if (no !== undefined) given.set(name, `no-${name}`);
    values[name] = no !== undefined ? false : yes !== undefined ? convert(name, f, yes) : f.default;
  }
  return { values: values as FlagValues<F>, positionals: parsed.positionals, given: given as never };
}

const LEFT = 26;
const WIDTH = 110;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(" ")) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  return lines;
}

/** The text after a flag's help: its choices and default, written once in the table. */
function suffix(f: Flag): string {
  const parts: string[] = [];
  if (f.type === "string" && f.choices) parts.push(`one of ${f.choices.join(", ")}`);
  if (f.defaultText !== undefined) parts.push(`default ${f.defaultText}`);
  else if (f.type === "boolean") {
    if (f.negatable && f.default !== undefined) parts.push(`default ${f.default ? "on" : "off"}`);
  } else if (f.default !== undefined) parts.push(`default ${f.default}`);
  return parts.length ? ` (${parts.join("; ")})` : "";
}

/** The help lines of a flag table: `  --epochs N        epochs to train (default 30)`. */
export function renderFlagHelp(flags: Flags): string {
  const lines: string[] = [];
  for (const [name, f] of Object.entries(flags)) {
    const spelled = f.type === "boolean" && f.negatable ? `--${name} / --no-${name}` : `--${name}`;
    const left = `  ${f.short ? `-${f.short}, ` : ""}${spelled}${f.arg ? ` ${f.arg}` : ""}`;
    const text = wrap(f.help + suffix(f), WIDTH - LEFT);
    if (left.length < LEFT) lines.push(left.padEnd(LEFT) + text[0]);
    else lines.push(left, " ".repeat(LEFT) + text[0]);
    for (const more of text.slice(1)) lines.push(" ".repeat(LEFT) + more);
  }
  return lines.join("\n");
}
