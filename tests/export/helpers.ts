/**
 * Shared pieces of the PyTorch export tests: whether /usr/bin/python3 has torch (the tests that run
 * Python are skipped, saying why, where it does not) and running the Python check scripts.
 */
import { fileURLToPath } from "node:url";

/** Debian's Python, where python3-torch installs (a plain `python3` on PATH may be another). */
export const PYTHON = "/usr/bin/python3";

function probeTorch(): boolean {
  try {
    return new Deno.Command(PYTHON, {
      args: ["-c", "import torch, torchvision"],
      stdout: "null",
      stderr: "null",
    })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** True when the tests can run PyTorch. */
export const HAS_TORCH = probeTorch();

/** A test name that says why it is skipped when torch is missing. */
export function torchTestName(name: string): string {
  return HAS_TORCH
    ? name
    : `${name} (ignored: ${PYTHON} cannot import torch; apt-get install python3-torch python3-torchvision)`;
}

/** A check script of this folder (`check_models.py`, …). */
export function script(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

/** Runs a command and returns its stdout; fails with its output when it exits non-zero. */
export async function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
) {
  const out = await new Deno.Command(cmd, { args, ...opts, stdout: "piped", stderr: "piped" }).output();
  const stdout = new TextDecoder().decode(out.stdout), stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} exited ${out.code}\n${stdout}\n${stderr}`);
  return { stdout, stderr };
}

/** Largest |a - b| over two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
