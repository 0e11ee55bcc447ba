/**
 * `deno task tsne RUN_DIR [--data PATH]` — the paper's figures 5 and 6: 100 validation images from
 * each (smile × gender) group, each head's FC layer and attended layer (FC_S, FC_S|CG, FC_G, FC_G|CS)
 * embedded with t-SNE, one panel per layer coloured by group; written as SVG and PNG.
 */
import { join } from "node:path";
import {
  BACKEND_FLAG_HELP,
  BACKEND_OPTION,
  backendFromArgs,
  describeBackend,
  useBackend,
} from "../backend/mod.ts";
import { loadImages, openDataset, type Split, SPLITS } from "../data/mod.ts";
import { layerActivations, representationLayers, sampleGroups } from "../eval/embeddings.ts";
import { renderScatterPanels, writeChart } from "../eval/plot/mod.ts";
import { tsne } from "../eval/tsne.ts";
import { intFlag, withPermissionHint } from "../train/flags.ts";
import { loadRun } from "../train/load_run.ts";
import { headRequests } from "../train/setup.ts";
import { UserError } from "../util/errors.ts";
import { parseArgs } from "./args.ts";
import { runMain } from "./main.ts";

const USAGE = "deno task tsne RUN_DIR [--data PATH] [--split val] [--per-group 100] [--out BASE] [--seed 1]";
const HELP = `usage: ${USAGE}

  RUN_DIR            a trained run (runs/<graph>/<id>); its best weights are used
  --data PATH        dataset (default: the run's own)
  --split NAME       val (default, as in the paper), test or train
  --per-group N      images per group of the first two heads' classes (default 100)
  --perplexity P     t-SNE perplexity (default 30)
  --out BASE         output path without extension (default RUN_DIR/tsne → tsne.svg, tsne.png)
  --seed N           sampling and t-SNE seed (default 1)
${BACKEND_FLAG_HELP}`;

const OPTIONS = {
  data: { type: "string" },
  split: { type: "string" },
  "per-group": { type: "string" },
  perplexity: { type: "string" },
  out: { type: "string" },
  seed: { type: "string" },
  cache: { type: "string" },
  help: { type: "boolean", short: "h" },
  ...BACKEND_OPTION,
} as const;

/** Makes the t-SNE figure of one run; returns the written SVG and PNG paths. */
export async function tsneFigure(o: {
  runDir: string;
  data?: string;
  split?: Split;
  perGroup?: number;
  perplexity?: number;
  out?: string;
  seed?: number;
  cacheDir?: string;
  log?: (line: string) => void;
}): Promise<{ svg: string; png: string }> {
  const log = o.log ?? console.log;
  const run = await loadRun(o.runDir, "best");
  const heads = run.config.heads;
  if (heads.length < 2) throw new UserError(o.runDir, "a t-SNE figure by group needs at least two heads");
  const data = o.data ?? run.config.data;
  const ds = await openDataset(data, headRequests(heads), { skipBad: run.config.skipBad });
  const set = await loadImages(ds, o.split ?? "val", { size: run.config.inputSize, crop: "box" }, {
    cacheDir: o.cacheDir ?? ".cache/data",
  });
  const groupHeads = heads.slice(0, 2);
  const sample = sampleGroups(set, groupHeads, o.perGroup ?? 100, o.seed ?? 1);
  for (const [group, n] of Object.entries(sample.available)) {
    if (n < (o.perGroup ?? 100)) log(`note: group "${group}" has only ${n} images in this split`);
  }
  const layers = representationLayers(run.model, heads.map((h) => h.name));
  log(
    `embedding ${sample.rows.length} images × ${layers.length} layers (${
      layers.map((l) => l.layer).join(", ")
    })`,
  );
  const activations = layerActivations(run.model, layers.map((l) => l.layer), set, sample.rows);
  const panels = layers.map((l, i) => ({
    title: l.title,
    points: tsne(activations[i], { seed: o.seed ?? 1, perplexity: o.perplexity ?? 30 }),
    groups: sample.groups,
  }));
  const chart = await renderScatterPanels(panels, {
    title: `${run.label}: t-SNE of head representations (${set.count} ${
      o.split ?? "val"
    } images, ${sample.rows.length} drawn)`,
    legendTitle: groupHeads.map((h) => h.name).join(" · "),
  });
  run.model.dispose();
  return await writeChart(o.out ?? join(o.runDir, "tsne"), chart);
}

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs(args, OPTIONS, USAGE);
  if (values.help) return console.log(HELP);
  if (positionals.length !== 1) throw new UserError("", `name one run directory\nusage: ${USAGE}`);
  const split = (values.split ?? "val") as Split;
  if (!SPLITS.includes(split)) {
    throw new UserError("--split", `expected one of ${SPLITS.join(", ")}, got '${split}'`);
  }
  const perplexity = values.perplexity === undefined ? undefined : Number(values.perplexity);
  if (perplexity !== undefined && !(perplexity >= 2)) {
    throw new UserError("--perplexity", `expected a number ≥ 2, got '${values.perplexity}'`);
  }
  console.error(describeBackend(await useBackend(backendFromArgs(values))));
  const written = await tsneFigure({
    runDir: positionals[0],
    data: values.data,
    split,
    perGroup: intFlag(values, "per-group"),
    perplexity,
    out: values.out,
    seed: intFlag(values, "seed", 0),
    cacheDir: values.cache,
  });
  console.log(`wrote ${written.svg} and ${written.png}`);
}

if (import.meta.main) runMain(() => withPermissionHint(() => main(Deno.args)));
