/**
 * The paper's figures 5 and 6 for a trained run: a balanced sample of images per (head × head) class
 * group, each head's FC layer and attended layers (FC_S, FC_S|CG, FC_G, FC_G|CS) embedded with t-SNE,
 * one panel per layer coloured by group, written as SVG and PNG.
 *
 * @module
 */
import { join } from "node:path";
import type { Split } from "../data/mod.ts";
import { loadRun, loadRunSplits } from "../run/mod.ts";
import { UserError } from "../util/errors.ts";
import { layerActivations, representationLayers, sampleGroups } from "./embeddings.ts";
import { renderScatterPanels, writeChart } from "./plot/mod.ts";
import { tsne } from "./tsne.ts";

/** Options of {@link tsneFigure}. */
export interface TsneFigureOptions {
  runDir: string;
  /** Dataset (default: the run's own). */
  data?: string;
  /** Split to draw from (default val, as in the paper). */
  split?: Split;
  /** Images per group of the first two heads' classes (default 100). */
  perGroup?: number;
  /** t-SNE perplexity (default 30). */
  perplexity?: number;
  /** Output path without extension (default `<runDir>/tsne`). */
  out?: string;
  /** Sampling and t-SNE seed (default 1). */
  seed?: number;
  cacheDir?: string;
  log?: (line: string) => void;
}

/** Makes the t-SNE figure of one run (its best weights); returns the written SVG and PNG paths. */
export async function tsneFigure(o: TsneFigureOptions): Promise<{ svg: string; png: string }> {
  const log = o.log ?? console.log;
  const [split, perGroup, seed] = [o.split ?? "val", o.perGroup ?? 100, o.seed ?? 1];
  const run = await loadRun(o.runDir, "best");
  try {
    const heads = run.config.heads;
    if (heads.length < 2) throw new UserError(o.runDir, "a t-SNE figure by group needs at least two heads");
    const sets = await loadRunSplits(run.config, [split], { data: o.data, cacheDir: o.cacheDir });
    const set = sets[split];
    const groupHeads = heads.slice(0, 2);
    const sample = sampleGroups(set, groupHeads, perGroup, seed);
    for (const [group, n] of Object.entries(sample.available)) {
      if (n < perGroup) log(`note: group "${group}" has only ${n} images in this split`);
    }
    const layers = representationLayers(run.model, heads.map((h) => h.name));
    log(
      `embedding ${sample.rows.length} images × ${layers.length} layers (${
        layers.map((l) => l.layer).join(", ")
      })`,
    );
    const activations = await layerActivations(run.model, layers.map((l) => l.layer), set, sample.rows);
    const panels = layers.map((l, i) => ({
      title: l.title,
      points: tsne(activations[i], { seed, perplexity: o.perplexity ?? 30 }),
      groups: sample.groups,
    }));
    const chart = await renderScatterPanels(panels, {
      title: `${run.label}: t-SNE of head representations (${set.count} ${split} images, ` +
        `${sample.rows.length} drawn)`,
      legendTitle: groupHeads.map((h) => h.name).join(" · "),
    });
    return await writeChart(o.out ?? join(o.runDir, "tsne"), chart);
  } finally {
    run.model.dispose();
  }
}
