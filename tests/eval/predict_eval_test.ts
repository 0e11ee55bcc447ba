/**
 * `predict --json` and `eval --json` of a small trained run agree with the model itself on the same
 * images prepared by hand (a naive reference: sharp's crop and resize, then byte / 255, labels read from
 * the attribute file), for best and last weights and with `--box`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "sharp";
import * as tf from "@tensorflow/tfjs";
import { registerProjectLayers } from "../../src/layers/mod.ts";
import { fileLoadHandler, readMetrics } from "../../src/run/mod.ts";
import { runTraining } from "../../src/train/loop.ts";
import { loadRunData, prepareNewRun } from "../../src/train/setup.ts";
import { assertExit, runDeno } from "../child.ts";
import { fixtureData, memorySink, tempRuns, tinyRunOptions, wasmBackend } from "../train/helpers.ts";

const PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-ffi", "--allow-sys"];
const cli = (name: string) => new URL(`../../src/cli/${name}.ts`, import.meta.url).pathname;
const command = async (name: string, args: string[]) => {
  const r = await runDeno(["run", ...PERMS, cli(name), ...args, "--backend", "wasm"], { timeoutMs: 90_000 });
  assertExit(r, 0, `${name} ${args.join(" ")}`);
  return JSON.parse(r.stdout);
};

/** A tiny run of three epochs whose best epoch (2, with seed 3) is not its last. */
async function trainedRun(): Promise<{ runDir: string; data: string }> {
  await wasmBackend();
  const runs = await tempRuns();
  const data = await fixtureData();
  const run = await prepareNewRun(
    await tinyRunOptions(runs, {
      overrides: {
        epochs: 3,
        batchSize: 16,
        optimizer: { lr: 2e-3 },
        schedule: [{ afterEpoch: 1, lr: 5e-4 }],
      },
      seed: 3,
    }),
  );
  await runTraining({
    ...run,
    ...(await loadRunData(run.config, join(runs, ".cache"))),
    sink: memorySink(),
    curves: false,
  });
  return { runDir: run.runDir, data };
}

/** The reference input: crop (optional) and lanczos3 resize by sharp, then byte / 255, NHWC. */
async function reference(files: string[], size: number, box?: number[]): Promise<tf.Tensor4D> {
  const x = new Float32Array(files.length * size * size * 3);
  for (const [i, file] of files.entries()) {
    let img = sharp(file);
    if (box) img = img.extract({ left: box[0], top: box[1], width: box[2], height: box[3] });
    const bytes = await img.resize(size, size, { fit: "fill", kernel: "lanczos3" }).removeAlpha().raw()
      .toBuffer();
    bytes.forEach((b, k) => x[i * size * size * 3 + k] = b / 255);
  }
  return tf.tensor4d(x, [files.length, size, size, 3]);
}

/** A saved model's probabilities per head per image: `[head][image][class]`. */
async function probabilities(modelJson: string, x: tf.Tensor4D): Promise<number[][][]> {
  registerProjectLayers();
  const model = await tf.loadLayersModel(fileLoadHandler(modelJson));
  const out = model.predict(x) as tf.Tensor[];
  const p = out.map((t) => t.arraySync() as number[][]);
  tf.dispose(out);
  model.dispose();
  return p;
}

type Prediction = {
  image: string;
  heads: Record<string, { class: string; probabilities: Record<string, number> }>;
};

/** predict's JSON against reference probabilities (heads smile, gender in the model's order). */
function assertAgree(predictions: Prediction[], expected: number[][][], files: string[], what: string) {
  assert.deepEqual(predictions.map((p) => p.image), files);
  const classes = { smile: ["non-smile", "smile"], gender: ["female", "male"] };
  for (const [i, p] of predictions.entries()) {
    (["smile", "gender"] as const).forEach((h, hi) => {
      const got = classes[h].map((c) => p.heads[h].probabilities[c]);
      const want = expected[hi][i];
      got.forEach((v, k) =>
        assert.ok(Math.abs(v - want[k]) < 1e-5, `${what}: ${files[i]} ${h}: ${got} vs ${want}`)
      );
      assert.equal(p.heads[h].class, classes[h][want[0] > want[1] ? 0 : 1], `${what}: ${h} class`);
    });
  }
}

const maxDiff = (a: number[][][], b: number[][][]) =>
  Math.max(...a.flat(2).map((v, i) => Math.abs(v - b.flat(2)[i])));

Deno.test("predict --json agrees with the model on images prepared by hand: best and last weights, and --box", async () => {
  const { runDir, data } = await trainedRun();
  const records = await readMetrics(runDir);
  const bestEpoch = JSON.parse(await Deno.readTextFile(join(runDir, "best", "best.json"))).epoch;
  assert.ok(bestEpoch < records.length, "best is not the last epoch, so best and last weights differ");

  const files = ["000001.jpg", "000042.jpg", "000077.jpg"].map((f) => join(data, "img_align_celeba", f));
  const x = await reference(files, 32);
  const best = await probabilities(join(runDir, "best", "model.json"), x);
  const last = await probabilities(join(runDir, "checkpoints", "step-00000012", "model.json"), x);
  assert.ok(maxDiff(best, last) > 1e-3, "best and last weights predict differently");
  // Unscaled pixels would predict differently too: the reference can tell.
  const unscaled = await probabilities(join(runDir, "best", "model.json"), tf.mul(x, 255) as tf.Tensor4D);
  assert.ok(maxDiff(best, unscaled) > 1e-3);

  assertAgree(await command("predict", [runDir, ...files, "--json"]), best, files, "best");
  assertAgree(
    await command("predict", [runDir, ...files, "--json", "--weights", "last"]),
    last,
    files,
    "last",
  );

  // A face inside a larger photo, cut out with --box, is predicted as the face itself.
  const dir = join(runDir, "photos");
  await Deno.mkdir(dir);
  const photos = await Promise.all(files.map(async (f, i) => {
    const photo = join(dir, `photo${i}.png`);
    await sharp({ create: { width: 60, height: 50, channels: 3, background: { r: 40 * i, g: 90, b: 200 } } })
      .composite([{ input: f, left: 17, top: 9 }]).png().toFile(photo);
    return photo;
  }));
  const box = [17, 9, 32, 32];
  const boxed = await probabilities(join(runDir, "best", "model.json"), await reference(photos, 32, box));
  assert.ok(maxDiff(boxed, best) < 2e-2, "the cut-out face predicts like the face");
  const whole = await probabilities(join(runDir, "best", "model.json"), await reference(photos, 32));
  assert.ok(maxDiff(boxed, whole) > 1e-3, "the box matters");
  assertAgree(
    await command("predict", [runDir, ...photos, "--box", box.join(","), "--json"]),
    boxed,
    photos,
    "--box",
  );
  tf.dispose([x]);
});

Deno.test("eval --json agrees with the model's accuracy on the val images and labels read by hand", async () => {
  const { runDir, data } = await trainedRun();
  const split = (await Deno.readTextFile(join(data, "list_eval_partition.txt"))).trim().split("\n")
    .map((l) => l.split(/\s+/)).filter(([, s]) => s === "1").map(([id]) => id);
  const attr = (await Deno.readTextFile(join(data, "list_attr_celeba.txt"))).trim().split("\n");
  const names = attr[1].trim().split(/\s+/);
  const rows = new Map(attr.slice(2).map((l) => l.trim().split(/\s+/)).map(([id, ...v]) => [id, v]));
  const label = (id: string, attribute: string) => (rows.get(id)![names.indexOf(attribute)] === "1" ? 1 : 0);
  const files = split.map((id) => join(data, "img_align_celeba", id));
  const x = await reference(files, 32);
  for (
    const [weights, model] of [["best", "best/model.json"], ["last", "checkpoints/step-00000012/model.json"]]
  ) {
    const p = await probabilities(join(runDir, model), x);
    const expected = Object.fromEntries((["Smiling", "Male"] as const).map((a, h) => {
      const correct = split.filter((id, i) => (p[h][i][1] > p[h][i][0] ? 1 : 0) === label(id, a)).length;
      const loss = split.reduce((s, id, i) => s - Math.log(p[h][i][label(id, a)]), 0) / split.length;
      return [a === "Smiling" ? "smile" : "gender", { accuracy: correct / split.length, loss }];
    }));
    const [r] = await command("eval", [runDir, "--split", "val", "--weights", weights, "--json"]);
    assert.equal(r.count, split.length);
    for (const h of ["smile", "gender"]) {
      assert.equal(r.accuracy[h], expected[h].accuracy, `${weights} ${h} accuracy`);
      assert.ok(
        Math.abs(r.loss[h] - expected[h].loss) < 1e-4,
        `${weights} ${h} loss ${r.loss[h]} vs ${expected[h].loss}`,
      );
    }
    assert.equal(r.average, (expected.smile.accuracy + expected.gender.accuracy) / 2);
  }
  tf.dispose(x);
});
