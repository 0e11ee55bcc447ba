/**
 * `deno task data:synth [--out DIR] [--count N] [--size S] [--seed K] [--sheet FILE.png]`
 *
 * Generates the project's synthetic face-attribute set in the CelebA layout (default `data/synth`,
 * 2000 faces, 64×64, seed 1), readable by `openDataset`. `--sheet` also writes a contact sheet of
 * the first 64 faces with their labels printed to stdout.
 */
import { writeFileAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";
import { contactSheet, generateSynth } from "../data/synth/generate.ts";
import { parseArgs } from "./args.ts";
import { runMain } from "./main.ts";

const USAGE = "deno task data:synth [--out DIR] [--count N] [--size S] [--seed K] [--sheet FILE.png]";

function intFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UserError(`--${name}`, `expected an integer in ${min}..${max}, got '${value}'`);
  }
  return n;
}

if (import.meta.main) {
  runMain(async () => {
    const { values } = parseArgs(Deno.args, {
      out: { type: "string" },
      count: { type: "string" },
      size: { type: "string" },
      seed: { type: "string" },
      sheet: { type: "string" },
      help: { type: "boolean", short: "h" },
    }, USAGE);
    if (values.help) {
      console.log(`usage: ${USAGE}`);
      return;
    }
    const out = (values.out as string | undefined) ?? "data/synth";
    const count = intFlag("count", values.count as string | undefined, 2000, 10, 10_000_000);
    const size = intFlag("size", values.size as string | undefined, 64, 16, 1024);
    const seed = intFlag("seed", values.seed as string | undefined, 1, -(2 ** 31), 2 ** 31 - 1);
    const tty = Deno.stderr.isTerminal();
    const s = await generateSynth({
      out,
      count,
      size,
      seed,
      onProgress: tty
        ? (done, total) => Deno.stderr.writeSync(new TextEncoder().encode(`\rrendered ${done}/${total}`))
        : undefined,
    });
    if (tty) console.error("");
    const pos = Object.entries(s.positives).map(([a, p]) => `${a} ${(100 * p).toFixed(0)}%`).join(", ");
    console.log(
      `wrote ${s.count} faces (${size}×${size}) to ${out} in ${(s.ms / 1000).toFixed(1)} s; ` +
        `train/val/test ${s.splits.train}/${s.splits.val}/${s.splits.test}; positives: ${pos}`,
    );
    if (values.sheet) {
      const n = Math.min(64, count);
      await writeFileAtomic(values.sheet as string, await contactSheet(out, n, 8, size <= 64 ? 2 : 1));
      console.log(`contact sheet of the first ${n} faces: ${values.sheet}`);
    }
  });
}
