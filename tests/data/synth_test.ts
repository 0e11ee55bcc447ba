import assert from "node:assert/strict";
import { join } from "node:path";
import { loadImages, openDataset } from "../../src/data/mod.ts";
import { LABEL_NOISE, sampleFace } from "../../src/data/synth/face.ts";
import { ensureSynth, generateSynth, renderFace } from "../../src/data/synth/generate.ts";
import { tempDir } from "./fixtures.ts";

Deno.test("synth: the same seed gives identical bytes; another seed differs", async () => {
  const dir = await tempDir();
  try {
    const a = await generateSynth({ out: join(dir, "a"), count: 20, size: 32, seed: 5 });
    await generateSynth({ out: join(dir, "b"), count: 20, size: 32, seed: 5, concurrency: 1 });
    assert.deepEqual(a.splits, { train: 16, val: 2, test: 2 });
    const files = ["list_attr_celeba.txt", "list_attr_clean.txt", "list_eval_partition.txt", "synth.json"];
    for (let i = 1; i <= 20; i++) files.push(`img_align_celeba/${String(i).padStart(6, "0")}.jpg`);
    for (const f of files) {
      assert.deepEqual(await Deno.readFile(join(dir, "a", f)), await Deno.readFile(join(dir, "b", f)), f);
    }
    const other = await renderFace(6, 0, 32);
    assert.notDeepEqual(other.jpeg, await Deno.readFile(join(dir, "a", "img_align_celeba", "000001.jpg")));

    // The loader reads it as a CelebA-layout dataset.
    const ds = await openDataset(join(dir, "a"), [{ head: "smile" }, { head: "gender" }, {
      head: "eyeglasses",
    }]);
    assert.equal(ds.examples.length, 20);
    assert.deepEqual(ds.notes, []);
    const set = await loadImages(ds, "train", { size: 16, crop: "box" }, { cacheDir: join(dir, "cache") });
    assert.equal(set.count, 16);

    // ensureSynth regenerates only when the settings differ.
    assert.equal(await ensureSynth({ out: join(dir, "a"), count: 20, size: 32, seed: 5 }), false);
    assert.equal(await ensureSynth({ out: join(dir, "a"), count: 12, size: 32, seed: 5 }), true);
    assert.equal((await Deno.readTextFile(join(dir, "a", "list_attr_celeba.txt"))).split("\n")[0], "12");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("synth: attributes are correlated and smile cues depend on gender; labels are a little noisy", () => {
  const n = 6000;
  const faces = Array.from({ length: n }, (_, i) => sampleFace(1, i));
  const rate = (pred: (f: typeof faces[0]) => boolean, given: (f: typeof faces[0]) => boolean) => {
    const sub = faces.filter(given);
    return sub.filter(pred).length / sub.length;
  };
  const female = (f: typeof faces[0]) => !f.truth.Male;
  const male = (f: typeof faces[0]) => f.truth.Male;
  // Women smile more often.
  assert.ok(rate((f) => f.truth.Smiling, female) - rate((f) => f.truth.Smiling, male) > 0.1);
  // Women's smiles show teeth, men's are closed curves; a man's neutral mouth is mostly open (often
  // with teeth), a woman's neutral mouth a closed curve.
  assert.ok(rate((f) => f.teeth > 0.4, (f) => female(f) && f.truth.Smiling) > 0.9);
  assert.ok(rate((f) => f.mouthOpen === 0, (f) => male(f) && f.truth.Smiling) > 0.8);
  assert.ok(rate((f) => f.mouthOpen > 0, (f) => male(f) && !f.truth.Smiling) > 0.7);
  assert.ok(rate((f) => f.teeth > 0.4, (f) => male(f) && !f.truth.Smiling) > 0.4);
  assert.ok(rate((f) => f.mouthOpen > 0, (f) => female(f) && !f.truth.Smiling) < 0.1);
  // So the mouth's shape means opposite things by gender: an open mouth is a smile on a woman and
  // not on a man, a closed one the reverse; without gender it is a weak cue.
  const open = (f: typeof faces[0]) => f.mouthOpen > 0;
  assert.ok(rate((f) => f.truth.Smiling, (f) => female(f) && open(f)) > 0.95);
  assert.ok(rate((f) => f.truth.Smiling, (f) => male(f) && open(f)) < 0.05);
  assert.ok(rate((f) => f.truth.Smiling, (f) => female(f) && !open(f)) < 0.05);
  assert.ok(rate((f) => f.truth.Smiling, (f) => male(f) && !open(f)) > 0.7);
  assert.ok(
    Math.abs(rate((f) => f.truth.Smiling, open) - rate((f) => f.truth.Smiling, (f) => !open(f))) < 0.3,
  );
  // Mouth curvature alone (any threshold) reads the smile far less well than gender + mouth shape.
  let curveOnly = 0;
  for (let t = -0.3; t < 1.1; t += 0.01) {
    curveOnly = Math.max(curveOnly, faces.filter((f) => (f.mouthCurve > t) === f.truth.Smiling).length / n);
  }
  const joint = faces.filter((f) => (open(f) === female(f)) === f.truth.Smiling).length / n;
  assert.ok(curveOnly < 0.88 && joint > 0.95, `curve only ${curveOnly}, gender + shape ${joint}`);
  // Gender cues overlap: long hair is mostly but not only female.
  const longF = rate((f) => f.hairLength > 0, female), longM = rate((f) => f.hairLength > 0, male);
  assert.ok(longF > 0.7 && longF < 0.9 && longM > 0.05 && longM < 0.2);
  // Eyeglasses more common with age.
  assert.ok(
    rate((f) => f.truth.Eyeglasses, (f) => !f.truth.Young) >
      2 * rate((f) => f.truth.Eyeglasses, (f) => f.truth.Young),
  );
  // Label noise near LABEL_NOISE for each attribute.
  for (const a of ["Smiling", "Male", "Eyeglasses"] as const) {
    const flipped = faces.filter((f) => f.labels[a] !== f.truth[a]).length / n;
    assert.ok(Math.abs(flipped - LABEL_NOISE) < 0.01, `${a} noise ${flipped}`);
  }
  // Pure function of (seed, index).
  assert.deepEqual(sampleFace(1, 123), faces[123]);
});
