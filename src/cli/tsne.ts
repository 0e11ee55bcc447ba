/**
 * `deno task tsne RUN_DIR [--data PATH]` — the paper's figures 5 and 6 for a trained run (see
 * src/eval/tsne_figure.ts), written as SVG and PNG.
 *
 * @module
 */
import { BACKEND_FLAGS } from "../backend/names.ts";
import { tsneFigure } from "../eval/tsne_figure.ts";
import { join } from "node:path";
import { readRunConfig } from "../run/mod.ts";
import { UserError } from "../util/errors.ts";
import { claimOutputFiles } from "../util/owned_dir.ts";
import { defineCommand } from "./command.ts";
import { COMMON_FLAGS } from "./common_flags.ts";

/** The `tsne` command. */
export const TSNE = defineCommand({
  name: "tsne",
  usage: "RUN_DIR [--data PATH] [--split val] [--per-group 100] [--out BASE] [--seed 1]",
  about: "The paper's figures 5–6: images drawn per group of the first two heads' classes, each head's FC\n" +
    "layer and attended layers (FC_S, FC_S|CG, FC_G, FC_G|CS) embedded with t-SNE, one panel per layer.",
  positionals: [["RUN_DIR", "a trained run (runs/<graph>/<id>); its best weights are used"]],
  flags: {
    data: { ...COMMON_FLAGS.data, defaultText: "the run's own" },
    split: { ...COMMON_FLAGS.split, default: "val", help: "which split to draw from (the paper: val)" },
    "per-group": {
      type: "int",
      arg: "N",
      default: 100,
      help: "images per group of the first two heads' classes",
    },
    perplexity: { type: "number", arg: "P", min: 2, max: 1e4, default: 30, help: "t-SNE perplexity" },
    out: {
      ...COMMON_FLAGS.out,
      arg: "BASE",
      defaultText: "RUN_DIR/tsne",
      help: "output path without extension",
    },
    seed: { ...COMMON_FLAGS.seed, help: "sampling and t-SNE seed" },
    cache: COMMON_FLAGS.cache,
    force: { ...COMMON_FLAGS.force, help: "replace BASE.svg/.png in a folder this project did not make" },
    ...BACKEND_FLAGS,
  },
  writes: ["runs", ".cache", "out"],
  backendLog: "stderr",
}, async ({ values, positionals, backend }) => {
  if (positionals.length !== 1) throw new UserError("", `name one run directory\nusage: ${TSNE.usage}`);
  const base = values.out ?? join(positionals[0], "tsne");
  await readRunConfig(positionals[0]); // a run directory, before anything is written
  await claimOutputFiles([`${base}.svg`, `${base}.png`], { command: "tsne", force: values.force });
  await backend();
  const written = await tsneFigure({
    runDir: positionals[0],
    data: values.data,
    split: values.split,
    perGroup: values["per-group"],
    perplexity: values.perplexity,
    out: base,
    seed: values.seed,
    cacheDir: values.cache,
  });
  console.log(`wrote ${written.svg} and ${written.png}`);
});

if (import.meta.main) TSNE.main();
