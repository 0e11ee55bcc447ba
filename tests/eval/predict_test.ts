/**
 * Prediction prepares images as the run records (resize with the recorded fit, RGB, value = byte / 255):
 * checked against a direct sharp decode scaled by hand, and the probabilities against the model.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import sharp from "sharp";
import * as tf from "@tensorflow/tfjs";
import { useBackend } from "../../src/backend/mod.ts";
import { predictImages, prepareImages } from "../../src/eval/predict.ts";
import { defaultPreprocessing } from "../../src/run/mod.ts";
import { tempDir } from "../temp.ts";

async function photo(dir: string, name: string, seed: number): Promise<string> {
  const [w, h] = [40, 30];
  const raw = new Uint8Array(w * h * 4).map((_, i) => (i * seed * 37 + (i >> 5)) % 256);
  const file = join(dir, name);
  await sharp(raw, { raw: { width: w, height: h, channels: 4 } }).png().toFile(file);
  return file;
}

/** The naive reference: sharp's resize as the recorded preprocessing says, then byte / 255. */
async function reference(
  file: string,
  size: number,
  fit: "fill" | "cover",
  box?: number[],
): Promise<number[]> {
  let img = sharp(file);
  if (box) img = img.extract({ left: box[0], top: box[1], width: box[2], height: box[3] });
  const bytes = await img.resize(size, size, { fit, kernel: "lanczos3" }).removeAlpha().raw().toBuffer();
  return [...bytes].map((b) => b / 255);
}

Deno.test("images are prepared as the run's preprocessing records", async () => {
  const dir = await tempDir();
  const files = [await photo(dir, "a.png", 1), await photo(dir, "b.png", 3)];
  for (const fit of ["fill", "cover"] as const) {
    const pre = { ...defaultPreprocessing(8), fit };
    const x = await prepareImages(files, pre);
    assert.equal(x.length, 2 * 8 * 8 * 3);
    const expected = [...await reference(files[0], 8, fit), ...await reference(files[1], 8, fit)];
    assert.deepEqual([...x], expected.map(Math.fround));
  }
  const boxed = await prepareImages([files[0]], defaultPreprocessing(8), [4, 2, 20, 20]);
  assert.deepEqual([...boxed], (await reference(files[0], 8, "fill", [4, 2, 20, 20])).map(Math.fround));
});

Deno.test("predictImages gives each head's most probable class, its probability and the distribution", async () => {
  await useBackend("cpu");
  const dir = await tempDir();
  const files = [await photo(dir, "a.png", 1), await photo(dir, "b.png", 5)];
  const input = tf.input({ shape: [8, 8, 3] });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  const outs = [2, 3].map((units, i) =>
    tf.layers.dense({ units, activation: "softmax", name: `h${i}`, kernelInitializer: "glorotUniform" })
      .apply(flat) as tf.SymbolicTensor
  );
  const model = tf.model({ inputs: input, outputs: outs });
  const heads = [{ name: "smile", classes: ["no", "yes"] }, { name: "age", classes: ["a", "b", "c"] }];
  const pre = defaultPreprocessing(8);
  const predictions = await predictImages(model, heads, pre, files);
  const direct = (model.predict(tf.tensor4d(await prepareImages(files, pre), [2, 8, 8, 3])) as tf.Tensor[])
    .map((t) => t.arraySync() as number[][]);
  for (const [i, p] of predictions.entries()) {
    assert.equal(p.image, files[i]);
    heads.forEach((h, hi) => {
      const probs = direct[hi][i];
      const best = probs.indexOf(Math.max(...probs));
      assert.equal(p.heads[h.name].class, h.classes[best]);
      assert.equal(p.heads[h.name].probability, probs[best]);
      assert.deepEqual(Object.values(p.heads[h.name].probabilities), probs);
    });
  }
  model.dispose();
});
