/**
 * Per-head loss weights λ reach the gradient, each on its own head: the summed loss against a naive
 * reference with unequal λ (a dropped or swapped λ changes it), a head with λ = 0 gets no update while
 * the other head's does (both ways round), and an optimizer step's update scales with its learning rate.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { compileFile } from "../../src/compiler/mod.ts";
import type { HeadConfig } from "../../src/run/config.ts";
import { lossTerms } from "../../src/train/loss.ts";
import { createOptimizer, setLearningRate } from "../../src/train/optimizer.ts";
import { ADAM } from "../../src/train/protocol.ts";
import { buildSeededModel } from "../../src/train/setup.ts";
import { type StepBatch, trainStep } from "../../src/train/step.ts";
import { TINY_TMTL, wasmBackend } from "./helpers.ts";

const head = (name: string, lossWeight: number): HeadConfig => ({
  name,
  classes: ["a", "b", "c"],
  lossWeight,
});

Deno.test("lossTerms: Σ_h λ_h Σ_b −ln p_hb[y_hb] / n, against a naive reference with unequal λ", async () => {
  await wasmBackend();
  const probs = [
    [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.25, 0.5, 0.25]],
    [[0.05, 0.9, 0.05], [0.9, 0.05, 0.05], [0.3, 0.1, 0.6]],
  ];
  const labels = [[0, 2, 2], [1, 0, 0]];
  const weights = [0.3, 2.5];
  const ce = probs.map((p, h) => p.map((row, b) => -Math.log(row[labels[h][b]])));
  const reference = (w: number[]) =>
    ce.reduce((sum, rows, h) => sum + w[h] * rows.reduce((a, b) => a + b, 0), 0) / 3;
  const terms = tf.tidy(() => {
    const t = lossTerms(
      probs.map((p) => tf.tensor2d(p)),
      labels.map((l) => tf.tensor1d(l, "int32")),
      [head("smile", weights[0]), head("gender", weights[1])],
      3,
    );
    return {
      total: t.total.dataSync()[0],
      sums: [...t.lossSums.dataSync()],
      correct: [...t.correct.dataSync()],
    };
  });
  assert.ok(Math.abs(terms.total - reference(weights)) < 1e-5, `${terms.total} vs ${reference(weights)}`);
  ce.forEach((rows, h) => assert.ok(Math.abs(terms.sums[h] - rows.reduce((a, b) => a + b, 0)) < 1e-5));
  assert.deepEqual(terms.correct, [2, 2]);
  // The reference tells the wrong answers apart: swapped or dropped λ are far off.
  assert.ok(Math.abs(reference(weights) - reference([2.5, 0.3])) > 0.1);
  assert.ok(Math.abs(reference(weights) - reference([1, 1])) > 0.1);
});

/** A deterministic batch of 8 images at 32×32 with labels for both heads. */
function batch(): StepBatch {
  const x = new Float32Array(8 * 32 * 32 * 3).map((_, i) => ((i * 7919) % 251) / 251);
  return {
    count: 8,
    size: 32,
    x,
    labels: {
      smile: Int32Array.from([0, 1, 0, 1, 1, 0, 1, 0]),
      gender: Int32Array.from([1, 1, 0, 0, 1, 0, 0, 1]),
    },
  };
}

/** Trainable weights by name before and after one step of the tiny graph with these λ. */
async function oneStep(lambda: { smile: number; gender: number }, lr = 1e-3) {
  const { ir } = await compileFile(TINY_TMTL);
  const model = buildSeededModel(ir, 11);
  const read = () =>
    new Map(model.trainableWeights.map((w) => [w.originalName, w.read().dataSync().slice() as Float32Array]));
  const before = read();
  const heads = ir.heads.map((h) => ({
    name: h.name,
    classes: h.classes,
    lossWeight: lambda[h.name as "smile" | "gender"],
  }));
  // Made with another rate: the step must use the one set, as the loop sets each epoch's.
  const optimizer = createOptimizer({ optimizer: { kind: "adam", lr: 0.5, ...ADAM } });
  setLearningRate(optimizer, lr);
  const r = await trainStep(model, optimizer, heads, batch(), 4, 1);
  assert.ok(r.finite);
  const after = read();
  model.dispose();
  optimizer.dispose();
  return { before, after };
}

const changed = (a: Float32Array, b: Float32Array) => a.some((v, i) => v !== b[i]);

Deno.test("trainStep: a head with λ = 0 gets no update and the other head's does, both ways round", async () => {
  await wasmBackend();
  for (const [zero, other] of [["smile", "gender"], ["gender", "smile"]]) {
    const { before, after } = await oneStep(
      { smile: 1, gender: 1, [zero]: 0 } as { smile: number; gender: number },
    );
    const own = (h: string) => [...before.keys()].filter((n) => n.startsWith(`${h}/`));
    assert.ok(own(zero).length >= 4 && own(other).length >= 4);
    for (const n of own(zero)) {
      assert.ok(!changed(before.get(n)!, after.get(n)!), `${n} moved with λ_${zero} = 0`);
    }
    for (const n of own(other)) assert.ok(changed(before.get(n)!, after.get(n)!), `${n} did not move`);
    const trunk = [...before.keys()].filter((n) => !n.startsWith("smile/") && !n.startsWith("gender/"));
    assert.ok(
      trunk.some((n) => changed(before.get(n)!, after.get(n)!)),
      "the trunk learns from the other head",
    );
  }
});

Deno.test("trainStep: the update of a step is proportional to the optimizer's learning rate", async () => {
  await wasmBackend();
  const a = await oneStep({ smile: 1, gender: 1 }, 1e-3);
  const b = await oneStep({ smile: 1, gender: 1 }, 4e-3);
  let compared = 0;
  for (const [name, w0] of a.before) {
    assert.deepEqual(b.before.get(name), w0, "same initial weights");
    const da = a.after.get(name)!, db = b.after.get(name)!;
    for (let i = 0; i < w0.length; i++) {
      const stepA = da[i] - w0[i], stepB = db[i] - w0[i];
      // Adam's first step is ±lr where the gradient is not ~0; float32 rounding of w ± step aside.
      if (Math.abs(stepA) < 5e-4) continue;
      assert.ok(Math.abs(stepB / stepA - 4) < 0.01, `${name}[${i}]: ${stepB} vs 4 × ${stepA}`);
      compared++;
    }
  }
  assert.ok(compared > 1000, `compared ${compared} weights`);
});
