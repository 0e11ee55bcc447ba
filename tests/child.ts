/**
 * Child processes for tests that run the commands as a user does: every child has a deadline (it is
 * killed and the test fails with its stderr when it runs past it), and waiting for a child to reach a
 * point fails at once, with its exit status and stderr, when the child ends first.
 */
import assert from "node:assert/strict";

/** The repository root (where deno.json and its tasks are). */
export const ROOT = new URL("../", import.meta.url).pathname;

/** How a child ended and what it printed. */
export interface ChildResult {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runDeno}. */
export interface ChildOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Deadline in milliseconds (default 120 s). */
  timeoutMs?: number;
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Runs `deno <args>` to its end, or kills it at the deadline and throws with what it printed. */
export async function runDeno(args: string[], o: ChildOptions = {}): Promise<ChildResult> {
  const timeoutMs = o.timeoutMs ?? 120_000;
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: o.cwd ?? ROOT,
    env: o.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  try {
    const out = await child.output();
    const result = { code: out.code, signal: out.signal, stdout: text(out.stdout), stderr: text(out.stderr) };
    if (timedOut) {
      throw new Error(
        `deno ${args.join(" ")} ran past its ${timeoutMs / 1000} s deadline and was killed; ` +
          `its stderr:\n${result.stderr}`,
      );
    }
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `deno task -q <name> <args>` with the task's own permissions, as a user does. */
export function runTask(name: string, args: string[], o: ChildOptions = {}): Promise<ChildResult> {
  return runDeno(["task", "-q", name, ...args], o);
}

/** Asserts a child's exit code, showing its stderr when it differs. */
export function assertExit(r: ChildResult, code: number, what: string): void {
  assert.equal(
    r.code,
    code,
    `${what}: exit ${r.code}${r.signal ? ` (${r.signal})` : ""}, expected ${code}; stderr:\n${r.stderr}`,
  );
}

/**
 * Polls `reached` until it is true. Fails when the child ends first (naming its status and stderr)
 * or when the deadline passes (the child is then killed).
 */
export async function waitUntil(
  child: Deno.ChildProcess,
  reached: () => Promise<boolean>,
  what: string,
  timeoutMs = 120_000,
): Promise<void> {
  let ended: Deno.CommandStatus | undefined;
  child.status.then((s) => ended = s);
  const deadline = Date.now() + timeoutMs;
  while (!(await reached())) {
    if (ended) {
      const stderr = await (async () => {
        try {
          return await new Response(child.stderr).text();
        } catch {
          return "(stderr not piped)";
        }
      })();
      throw new Error(
        `the child ended (code ${ended.code}, signal ${ended.signal}) before ${what}; stderr:\n${stderr}`,
      );
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await child.status;
      throw new Error(`no ${what} within ${timeoutMs / 1000} s; the child was killed`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}
