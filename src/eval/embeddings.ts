/**
 * Representations for the paper's figures 5 and 6: a balanced sample of images per (head × head)
 * class group, and the activations of each head's FC layer and attended layer for them.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type ImageSource, rowBytesSync, type SplitImages, toUnitFloats } from "../data/mod.ts";
import { Rng } from "../util/rng.ts";
import { UserError } from "../util/errors.ts";

/** A head as far as grouping is concerned. */
export interface GroupHead {
  name: string;
  classes: string[];
}

/** Images drawn per group, and the group label of each (e.g. "female · smile"). */
export interface GroupSample {
  rows: number[];
  groups: string[];
  /** Group label → how many images it has in the set, for a note when it has fewer than asked. */
  available: Record<string, number>;
}

/**
 * Draws up to `perGroup` images from every combination of the classes of `heads` (the paper:
 * 100 per smile × gender group), seeded, in group order.
 */
export function sampleGroups(
  set: SplitImages,
  heads: readonly GroupHead[],
  perGroup: number,
  seed: number,
): GroupSample {
  const label = (row: number) => heads.map((h) => h.classes[set.labels[h.name][row]]).join(" · ");
  const byGroup = new Map<string, number[]>();
  for (const combo of combinations(heads)) byGroup.set(combo, []);
  for (let row = 0; row < set.count; row++) byGroup.get(label(row))?.push(row);
  const rng = new Rng(seed);
  const rows: number[] = [];
  const groups: string[] = [];
  const available: Record<string, number> = {};
  for (const [group, members] of byGroup) {
    available[group] = members.length;
    // Partial Fisher–Yates: the first `perGroup` entries become a uniform sample.
    for (let i = 0; i < Math.min(perGroup, members.length); i++) {
      const j = i + rng.int(members.length - i);
      [members[i], members[j]] = [members[j], members[i]];
      rows.push(members[i]);
      groups.push(group);
    }
  }
  if (rows.length === 0) throw new UserError("", "no images to embed in this split");
  return { rows, groups, available };
}

function combinations(heads: readonly GroupHead[]): string[] {
  return heads.reduce<string[]>(
    (acc, h) => acc.flatMap((prefix) => h.classes.map((c) => (prefix ? `${prefix} · ${c}` : c))),
    [""],
  );
}

/**
 * Activations of the named layers for the given images (inference mode), as plain arrays: one
 * `[rows.length][units]` matrix per layer. Batches keep memory flat; values are read asynchronously.
 */
export async function layerActivations(
  model: tf.LayersModel,
  layerNames: readonly string[],
  set: ImageSource,
  rows: readonly number[],
  batchSize = 32,
): Promise<number[][][]> {
  const probe = tf.model({
    inputs: model.inputs,
    outputs: layerNames.map((n) => model.getLayer(n).output as tf.SymbolicTensor),
  });
  const out: number[][][] = layerNames.map(() => []);
  const pixels = set.size * set.size * 3;
  for (let start = 0; start < rows.length; start += batchSize) {
    const chunk = rows.slice(start, start + batchSize);
    const x = new Float32Array(chunk.length * pixels);
    const src = rowBytesSync(set, Int32Array.from(chunk));
    src.offsets.forEach((at, i) => toUnitFloats(src.bytes.subarray(at, at + pixels), x, i * pixels));
    const ys = tf.tidy(() => {
      const y = probe.apply(tf.tensor4d(x, [chunk.length, set.size, set.size, 3]), { training: false });
      return (Array.isArray(y) ? y : [y]) as tf.Tensor[];
    });
    try {
      for (const [i, t] of ys.entries()) out[i].push(...(await t.array() as number[][]));
    } finally {
      tf.dispose(ys);
    }
  }
  return out;
}

/**
 * The layers a figure shows for a model: each head's FC layer and its attention layers, titled in
 * the paper's notation (`FC_S`, `FC_S|CG`) after the heads' initials.
 */
export function representationLayers(
  model: tf.LayersModel,
  heads: readonly string[],
): { layer: string; title: string }[] {
  const initial = (h: string) => h[0].toUpperCase();
  const names = new Set(model.layers.map((l) => l.name));
  return heads.flatMap((h) => {
    const attention = [...names].filter((n) => n.startsWith(`${h}/att_`)).sort();
    return [
      { layer: `${h}/fc`, title: `${h}/fc  (FC_${initial(h)})` },
      ...attention.map((layer) => {
        const dep = layer.slice(`${h}/att_`.length);
        return { layer, title: `${layer}  (FC_${initial(h)}|C${initial(dep)})` };
      }),
    ];
  }).filter((p) => names.has(p.layer));
}
