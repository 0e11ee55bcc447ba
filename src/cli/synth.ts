/**
 * `deno task data:synth [--out DIR] [--count N] [--size S] [--seed K] [--sheet FILE.png] [--force]`
 *
 * Generates the project's synthetic face-attribute set in the CelebA layout (default `data/synth`,
 * 2000 faces, 64×64, seed 1), readable by `openDataset`. `--sheet` also writes a contact sheet of
 * the first 64 faces with their labels printed to stdout. A folder it did not write (it leaves a
 * marker file in its own) is refused without `--force`.
 *
 * @module
 */
import { contactSheet, generateSynth } from "../data/synth/generate.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { defineCommand } from "./command.ts";
import { COMMON_FLAGS, DEFAULT_DATA } from "./common_flags.ts";

/** The `data:synth` command. */
export const SYNTH = defineCommand({
  name: "data:synth",
  usage: "[--out DIR] [--count N] [--size S] [--seed K] [--sheet FILE.png] [--force]",
  about: "Generates the synthetic face-attribute set (smile, gender, eyeglasses, age, hair) in the CelebA\n" +
    "layout, with train/val/test splits.",
  flags: {
    out: { ...COMMON_FLAGS.out, default: DEFAULT_DATA, help: "folder to write the set into" },
    count: { type: "int", arg: "N", min: 10, max: 10_000_000, default: 2000, help: "number of faces" },
    size: { type: "int", arg: "S", min: 16, max: 1024, default: 64, help: "image side in pixels" },
    seed: { ...COMMON_FLAGS.seed, min: -(2 ** 31), max: 2 ** 31 - 1, help: "seed of the faces" },
    sheet: { type: "string", arg: "FILE.png", help: "also write a contact sheet of the first 64 faces" },
    force: { type: "boolean", help: "write into --out even if it holds files data:synth did not write" },
  },
}, async ({ values }) => {
  const { out, count, size, seed } = values;
  const tty = Deno.stderr.isTerminal();
  const s = await generateSynth({
    out,
    count,
    size,
    seed,
    force: values.force,
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
    await writeFileAtomic(values.sheet, await contactSheet(out, n, 8, size <= 64 ? 2 : 1));
    console.log(`contact sheet of the first ${n} faces: ${values.sheet}`);
  }
});

if (import.meta.main) SYNTH.main();
