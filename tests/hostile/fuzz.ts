/**
 * Helpers of the hostile-input suite: running a command in-process on one input and sorting the
 * outcome (success, a one-line error, a multi-line error, a stack trace), tallies to report, hostile
 * values by flag type, and a fingerprint of a folder to prove that no data was lost.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { sha256Hex } from "../../src/run/mod.ts";
import { isUserError } from "../../src/util/errors.ts";
import type { Flag, Flags } from "../../src/util/flags.ts";
import type { Rng } from "../../src/util/rng.ts";

/** How one input ended. */
export type Outcome =
  | { kind: "ok" }
  | { kind: "error"; line: string }
  | { kind: "multi-line"; message: string }
  | { kind: "stack"; error: string };

/** Runs `body` with console output swallowed; sorts how it ended. */
export async function outcomeOf(body: () => Promise<unknown>): Promise<Outcome> {
  const saved = { log: console.log, error: console.error, warn: console.warn };
  console.log = console.error = console.warn = () => {};
  try {
    await body();
    return { kind: "ok" };
  } catch (e) {
    if (!isUserError(e)) return { kind: "stack", error: ((e as Error)?.stack ?? String(e)).slice(0, 600) };
    const lines = e.message.split("\n").filter((l) => !l.startsWith("usage: "));
    return lines.length === 1
      ? { kind: "error", line: lines[0] }
      : { kind: "multi-line", message: e.message };
  } finally {
    Object.assign(console, saved);
  }
}

/** Counts of a hostile run, as the suite reports them. */
export class Tally {
  inputs = 0;
  ok = 0;
  errors = 0;
  multiLine: string[] = [];
  stacks: string[] = [];
  dataLost: string[] = [];
  /** Every error line, kept when HOSTILE_DUMP names a file to write them to (for reading them all). */
  lines: string[] = [];

  /** Adds one outcome of `input` (a description used when it is a failure). */
  add(input: string, o: Outcome): void {
    this.inputs++;
    if (o.kind === "ok") {
      this.ok++;
      this.lines.push(`${input.slice(0, 200)}\n    (success)`);
    } else if (o.kind === "error") {
      this.errors++;
      this.lines.push(`${input.slice(0, 200)}\n    ${o.line.slice(0, 300)}`);
    } else if (o.kind === "multi-line") this.multiLine.push(`${input}\n  → ${o.message.slice(0, 600)}`);
    else this.stacks.push(`${input}\n  → ${o.error}`);
  }

  /** The report line, and assertions that nothing failed. */
  report(what: string): void {
    const dump = Deno.env.get("HOSTILE_DUMP");
    if (dump) Deno.writeTextFileSync(dump, this.lines.join("\n") + "\n", { append: true });
    console.log(
      `hostile ${what}: ${this.inputs} inputs, ${this.errors} one-line errors, ${this.ok} successes, ` +
        `${this.multiLine.length} multi-line errors, ${this.stacks.length} stack traces, ` +
        `${this.dataLost.length} data lost`,
    );
    assert.deepEqual(this.stacks.slice(0, 5), [], "no stack traces");
    assert.deepEqual(this.multiLine.slice(0, 5), [], "every error is one line");
    assert.deepEqual(this.dataLost.slice(0, 3), [], "no data lost");
  }
}

/** Values no flag should choke on: empty, spaces, control and escape characters, huge, object keys, paths. */
export const HOSTILE_STRINGS: readonly string[] = [
  "",
  " ",
  "\n",
  "a\nb",
  "\u001b[2J\u001b[H",
  "\u0000",
  "\u2028",
  "x".repeat(10_000),
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "__proto__=1",
  "constructor=0.5",
  "../..",
  "../../../../etc/passwd",
  "/",
  "/dev/null",
  "/proc/self/mem",
  ".",
  "-",
  "--",
  "--epochs",
  "=",
  ",",
  ",,",
  ":",
  "😀",
  "١٢٣",
  "%s%n",
  "${HOME}",
  "$(id)",
  "NaN",
  "Infinity",
  "-Infinity",
  "1e999",
  "-1",
  "-0",
  "0",
  "0x10",
  "1_000",
  " 3",
  "3 ",
  "3.5",
  "9007199254740993",
  "1e-400",
  "true",
  "null",
  "[]",
  "{}",
];

/** A value for `flag`: usually a hostile one, sometimes from `valid` (cheap values that should work). */
export function flagValue(rng: Rng, flag: Flag, valid: readonly string[] | undefined): string {
  if (valid && valid.length && rng.chance(0.35)) return rng.pick(valid);
  if (flag.type === "string" && flag.choices && rng.chance(0.3)) return rng.pick(flag.choices);
  if ((flag.type === "int" || flag.type === "number") && rng.chance(0.4)) {
    const min = flag.min ?? 1, max = flag.max ?? 1e9;
    return rng.pick([String(min - 1), String(max + 1), String(max * 10), String(min - 0.5), "1e308"]);
  }
  return rng.pick(HOSTILE_STRINGS);
}

/** A flag name that is not in `flags`: typos, object keys, odd dashes. */
export function unknownFlag(rng: Rng, flags: Flags): string {
  const names = Object.keys(flags);
  const name = rng.pick(names);
  return rng.pick([
    `--${name.slice(0, -1)}`,
    `--${name}s`,
    `--${name.toUpperCase()}`,
    "--__proto__",
    "--constructor",
    "--toString",
    "---epochs",
    "-Z",
    "-",
    `--no-${name}x`,
    `--${"y".repeat(5000)}`,
    "--\u001b[31m",
    "--a\nb",
  ]);
}

/** Every file under `dir` with its SHA-256, by relative path. */
export async function fingerprint(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function walk(d: string): Promise<void> {
    for await (const e of Deno.readDir(d)) {
      const path = join(d, e.name);
      if (e.isDirectory) await walk(path);
      else if (e.isFile) out.set(relative(dir, path), await sha256Hex(await Deno.readFile(path)));
    }
  }
  await walk(dir);
  return out;
}

/**
 * The files of `before` whose contents are nowhere in `after` (a file moved aside keeps its bytes
 * under another name; `allowed` lists files a command may rewrite, such as config.json on resume).
 */
export function lostFiles(
  before: Map<string, string>,
  after: Map<string, string>,
  allowed: (path: string) => boolean = () => false,
): string[] {
  const present = new Set(after.values());
  return [...before].filter(([path, hash]) =>
    after.get(path) !== hash && !present.has(hash) && !allowed(path)
  )
    .map(([path]) => path);
}
