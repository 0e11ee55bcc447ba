/**
 * `deno task tsne` on a tiny trained attention run: one panel per head's FC layer and attended layer,
 * titled in the paper's notation, each with the asked number of images per smile × gender group (as the
 * labels read by hand allow); the sampled images carry their own labels' group, and each panel's points
 * come from its own layer (against a one-layer probe on images prepared by hand).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "sharp";
import * as tf from "@tensorflow/tfjs";
import { layerActivations, representationLayers, sampleGroups } from "../../src/eval/embeddings.ts";
import { loadRun, loadRunSplits } from "../../src/run/mod.ts";
import { runTraining } from "../../src/train/loop.ts";
import { loadRunData, prepareNewRun } from "../../src/train/setup.ts";
import { assertExit, runDeno } from "../child.ts";
import {
  fixtureData,
  memorySink,
  tempRuns,
  TINY_ATTENTION,
  tinyRunOptions,
  wasmBackend,
} from "../train/helpers.ts";

const PANELS = [
  ["smile/fc", "smile/fc  (FC_S)"],
  ["smile/att_gender", "smile/att_gender  (FC_S|CG)"],
  ["gender/fc", "gender/fc  (FC_G)"],
  ["gender/att_smile", "gender/att_smile  (FC_G|CS)"],
];
const GROUPS = ["non-smile · female", "non-smile · male", "smile · female", "smile · male"];

let trained: Promise<{ runDir: string; data: string; cache: string }> | undefined;
/** One epoch of the tiny attention graph, trained once for this file. */
function tinyRun() {
  return trained ??= (async () => {
    await wasmBackend();
    const runs = await tempRuns();
    const data = await fixtureData();
    const run = await prepareNewRun(
      await tinyRunOptions(runs, { graph: TINY_ATTENTION, overrides: { epochs: 1, batchSize: 16 } }),
    );
    const cache = join(runs, ".cache");
    await runTraining({
      ...run,
      ...(await loadRunData(run.config, cache)),
      sink: memorySink(),
      curves: false,
    });
    return { runDir: run.runDir, data, cache };
  })();
}

/** The group (smile class · gender class) of every training image, from the label files read by hand. */
async function trainGroups(data: string): Promise<Map<string, string>> {
  const train = new Set(
    (await Deno.readTextFile(join(data, "list_eval_partition.txt"))).trim().split("\n")
      .map((l) => l.split(/\s+/)).filter(([, s]) => s === "0").map(([id]) => id),
  );
  const lines = (await Deno.readTextFile(join(data, "list_attr_celeba.txt"))).trim().split("\n");
  const names = lines[1].trim().split(/\s+/);
  const groups = new Map<string, string>();
  for (const [id, ...v] of lines.slice(2).map((l) => l.trim().split(/\s+/))) {
    if (!train.has(id)) continue;
    const smile = v[names.indexOf("Smiling")] === "1" ? "smile" : "non-smile";
    const gender = v[names.indexOf("Male")] === "1" ? "male" : "female";
    groups.set(id, `${smile} · ${gender}`);
  }
  return groups;
}

Deno.test("tsne: one panel per FC and attended layer, the asked images per smile × gender group", async () => {
  const { runDir, data, cache } = await tinyRun();
  const available = new Map(GROUPS.map((g) => [g, 0]));
  for (const g of (await trainGroups(data)).values()) available.set(g, available.get(g)! + 1);
  const expected = GROUPS.map((g) => [g, Math.min(3, available.get(g)!)]).filter(([, n]) => n !== 0);
  const total = expected.reduce((s, [, n]) => s + (n as number), 0);

  const out = join(runDir, "figure");
  const r = await runDeno([
    "run",
    ...["--allow-read", "--allow-write", "--allow-env", "--allow-ffi", "--allow-sys"],
    new URL("../../src/cli/tsne.ts", import.meta.url).pathname,
    ...[runDir, "--split", "train", "--per-group", "3", "--out", out, "--cache", cache, "--backend", "wasm"],
  ], { timeoutMs: 90_000 });
  assertExit(r, 0, "tsne");
  assert.match(
    r.stdout,
    new RegExp(`^embedding ${total} images × 4 layers \\(${PANELS.map(([l]) => l).join(", ")}\\)$`, "m"),
  );
  assert.match(r.stdout, new RegExp(`^wrote ${out}\\.svg and ${out}\\.png$`, "m"));
  const png = await sharp(`${out}.png`).metadata();
  assert.ok((png.width ?? 0) > 400 && (png.height ?? 0) > 300);

  const svg = await Deno.readTextFile(`${out}.svg`);
  const titles = [...svg.matchAll(/role-title-text[^>]*>(?:<text[^>]*>)(.*?)<\/text>/g)].map((m) => m[1]);
  for (const [, title] of PANELS) {
    assert.ok(titles.includes(title), `panel "${title}" in ${titles.join(" | ")}`);
  }
  for (let k = 0; k < PANELS.length; k++) {
    const panel = svg.slice(
      svg.indexOf(`concat_${k}_marks`),
      svg.indexOf("</g>", svg.indexOf(`concat_${k}_marks`)),
    );
    const groups = [...panel.matchAll(/aria-label="x: [^;]*; y: [^;]*; smile · gender: ([^"]*)"/g)].map((m) =>
      m[1]
    );
    const counts = GROUPS.map((g) => [g, groups.filter((x) => x === g).length]).filter(([, n]) => n !== 0);
    assert.deepEqual(counts, expected, `panel ${PANELS[k][0]}`);
  }
});

Deno.test("tsne: sampled images carry their own labels' group; each layer's points come from that layer", async () => {
  const { runDir, data, cache } = await tinyRun();
  const run = await loadRun(runDir, "best");
  const { train } = await loadRunSplits(run.config, ["train"], { cacheDir: cache });
  const sample = sampleGroups(train, run.config.heads.slice(0, 2), 3, 1);
  const byHand = await trainGroups(data);
  sample.rows.forEach((row, i) => assert.equal(sample.groups[i], byHand.get(train.ids[row]), train.ids[row]));

  const layers = representationLayers(run.model, run.config.heads.map((h) => h.name));
  assert.deepEqual(layers.map((l) => [l.layer, l.title]), PANELS);
  const activations = await layerActivations(run.model, layers.map((l) => l.layer), train, sample.rows);
  // The reference: the images decoded by sharp (byte / 255), one probe model per layer.
  const x = new Float32Array(sample.rows.length * 32 * 32 * 3);
  for (const [i, row] of sample.rows.entries()) {
    const bytes = await sharp(join(data, "img_align_celeba", train.ids[row]))
      .resize(32, 32, { fit: "fill", kernel: "lanczos3" }).removeAlpha().raw().toBuffer();
    bytes.forEach((b, k) => x[i * 32 * 32 * 3 + k] = b / 255);
  }
  const input = tf.tensor4d(x, [sample.rows.length, 32, 32, 3]);
  for (const [k, { layer }] of layers.entries()) {
    const probe = tf.model({
      inputs: run.model.inputs,
      outputs: run.model.getLayer(layer).output as tf.SymbolicTensor,
    });
    const want = tf.tidy(() => (probe.predict(input) as tf.Tensor).arraySync() as number[][]);
    const got = activations[k];
    assert.equal(got.length, want.length);
    got.forEach((v, i) =>
      v.forEach((a, j) => assert.ok(Math.abs(a - want[i][j]) < 1e-4, `${layer}[${i}][${j}]`))
    );
  }
  input.dispose();
  run.model.dispose();
});
