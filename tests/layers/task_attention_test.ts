/**
 * Numerics of the task-attention layer: outputs against a nested-loop reference, parameter counts,
 * gradients (including finite differences) and input checks, for every variant (the learned
 * temperature, beyond the paper, included).
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import {
  TASK_ATTENTION_TEMPERATURES,
  TASK_ATTENTION_WEIGHTS,
  TaskAttention,
  taskAttentionParamCount,
  type TaskAttentionTemperature,
  type TaskAttentionWeights,
} from "../../src/layers/mod.ts";
import { normals, reference, type RefWeights, rng, rows } from "./reference.ts";

await tf.setBackend("cpu");

const VARIANTS = TASK_ATTENTION_WEIGHTS.flatMap((weights) =>
  [false, true].flatMap((bias) =>
    TASK_ATTENTION_TEMPERATURES.map((temperature) => ({ weights, bias, temperature }))
  )
);
/** [K, K'] pairs, including K ≠ K' both ways and the paper's 64×64. */
const SIZES: [number, number][] = [[1, 1], [5, 5], [7, 3], [3, 8], [64, 64]];

/**
 * Builds a layer on [B,K] × [B,K'] and gives it random non-trivial weights (bias and logBeta too, else
 * they stay 0). logBeta is drawn smaller: β = exp(logBeta) scales the scores.
 */
function makeLayer(
  weights: TaskAttentionWeights,
  bias: boolean,
  k: number,
  kPrime: number,
  next: () => number,
  temperature: TaskAttentionTemperature = "fixed",
): { layer: TaskAttention; w: RefWeights } {
  const layer = new TaskAttention({ weights, bias, temperature });
  // Build through apply(): only then are the weights name-scoped ("<layer>/wS").
  layer.apply([tf.input({ shape: [k] }), tf.input({ shape: [kPrime] })]);
  const kinds = layer.weights.map((v) => v.originalName.split("/").pop());
  const values = layer.getWeights().map((t, n) => normals(next, t.size, kinds[n] === "logBeta" ? 0.5 : 1.5));
  layer.setWeights(values.map((v, n) => tf.tensor(v, layer.getWeights()[n].shape)));
  const byName = (n: string) => (kinds.includes(n) ? values[kinds.indexOf(n)] : undefined);
  return {
    layer,
    w: { wS: byName("wS")!, wG: byName("wG")!, bias: byName("bias"), logBeta: byName("logBeta") },
  };
}

function maxAbsDiff(a: number[][], b: number[][]): number {
  let m = 0;
  a.forEach((r, i) => r.forEach((v, j) => m = Math.max(m, Math.abs(v - b[i][j]))));
  return m;
}

Deno.test("output equals the nested-loop reference for every variant and size", () => {
  const next = rng(1);
  for (const { weights, bias, temperature } of VARIANTS) {
    for (const [k, kPrime] of SIZES) {
      const batch = 4;
      const x = rows(normals(next, batch * k), k), c = rows(normals(next, batch * kPrime), kPrime);
      const { layer, w } = makeLayer(weights, bias, k, kPrime, next, temperature);
      const out = tf.tidy(() => (layer.apply([tf.tensor2d(x), tf.tensor2d(c)]) as tf.Tensor).arraySync());
      const diff = maxAbsDiff(out as number[][], reference(x, c, w, weights));
      const label = `${weights} bias=${bias} temperature=${temperature} K=${k} K'=${kPrime}`;
      assert.ok(diff < 1e-5, `${label}: max |diff| ${diff}`);
      layer.dispose();
    }
  }
});

Deno.test("parameter counts and weight shapes", () => {
  const cases: [TaskAttentionWeights, boolean, number, number, number][] = [
    ["module", false, 64, 64, 128],
    ["module", true, 64, 64, 192],
    ["shared", false, 64, 64, 2],
    ["shared", true, 64, 64, 3],
    ["perPair", false, 64, 64, 8192],
    ["perPair", true, 64, 64, 8256],
    ["module", false, 32, 16, 32],
    ["perPair", true, 32, 16, 2 * 16 * 32 + 16],
  ];
  for (const [weights, bias, k, kPrime, expected] of cases) {
    const x = tf.input({ shape: [k] }), c = tf.input({ shape: [kPrime] });
    const layer = new TaskAttention({ weights, bias });
    const y = layer.apply([x, c]) as tf.SymbolicTensor;
    assert.deepEqual(y.shape, [null, kPrime]);
    assert.equal(layer.countParams(), expected, `${weights} bias=${bias} K=${k} K'=${kPrime}`);
    assert.equal(taskAttentionParamCount({ k, kPrime, weights, bias }), expected);
    const pair = weights === "shared" ? [1] : weights === "module" ? [kPrime] : [kPrime, k];
    const shapes = Object.fromEntries(layer.weights.map((v) => [v.originalName.split("/").pop(), v.shape]));
    assert.deepEqual(shapes, {
      wS: pair,
      wG: pair,
      ...(bias ? { bias: weights === "shared" ? [1] : [kPrime] } : {}),
    });
  }
  // The default is the paper's form: 128 parameters per 64×64 edge.
  assert.equal(taskAttentionParamCount({ k: 64, kPrime: 64 }), 128);
  assert.equal(new TaskAttention().mode, "module");
  assert.equal(new TaskAttention().useBias, false);
});

Deno.test("gradients reach both inputs and every weight, and match finite differences", () => {
  const next = rng(2);
  const [batch, k, kPrime] = [2, 4, 3];
  for (const { weights, bias, temperature } of VARIANTS) {
    const x0 = rows(normals(next, batch * k), k), c0 = rows(normals(next, batch * kPrime), kPrime);
    const r = rows(normals(next, batch * kPrime), kPrime); // random projection: loss = Σ out·r
    const { layer, w } = makeLayer(weights, bias, k, kPrime, next, temperature);
    const xv = tf.variable(tf.tensor2d(x0)), cv = tf.variable(tf.tensor2d(c0));
    const vars = [xv, cv, ...layer.trainableWeights.map((v) => v.read() as tf.Variable)];
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(layer.apply([xv, cv]) as tf.Tensor, tf.tensor2d(r))) as tf.Scalar,
      vars,
    );
    const label = `${weights} bias=${bias} temperature=${temperature}`;
    assert.equal(Object.keys(grads).length, vars.length, `${label}: a variable got no gradient`);

    // Central differences of the float64 reference; float32 analytic gradients agree to ~1e-6.
    const loss = (x: number[][], c: number[][], wt: RefWeights) =>
      reference(x, c, wt, weights).reduce((s, row, b) => s + row.reduce((t, v, i) => t + v * r[b][i], 0), 0);
    assert.ok(Math.abs(value.dataSync()[0] - loss(x0, c0, w)) < 1e-5, `${label}: loss value`);
    const h = 1e-6;
    const numeric = (perturb: (d: number) => number) => (perturb(h) - perturb(-h)) / (2 * h);
    const flat = (m: number[][]) => m.flat();
    const unflat = (v: number[], cols: number) => rows(v, cols);
    const targets: [tf.Variable, number[], (v: number[]) => number][] = [
      [xv, flat(x0), (v) => loss(unflat(v, k), c0, w)],
      [cv, flat(c0), (v) => loss(x0, unflat(v, kPrime), w)],
      ...(["wS", "wG", "bias", "logBeta"] as const).filter((n) => w[n]).map((
        n,
      ): [tf.Variable, number[], (v: number[]) => number] => [
        layer.weights.find((v) => v.originalName.endsWith(`/${n}`))!.read() as tf.Variable,
        Array.from(w[n]!),
        (v) => loss(x0, c0, { ...w, [n]: v }),
      ]),
    ];
    for (const [variable, base, f] of targets) {
      const g = grads[variable.name].dataSync();
      assert.ok(g.every(Number.isFinite), `${label}: non-finite gradient for ${variable.name}`);
      assert.ok(g.some((v) => v !== 0), `${label}: zero gradient for ${variable.name}`);
      base.forEach((_, idx) => {
        const num = numeric((d) => f(base.map((v, t) => t === idx ? v + d : v)));
        const tol = 1e-4 * Math.max(1, Math.abs(num));
        assert.ok(Math.abs(g[idx] - num) < tol, `${label}: d/d${variable.name}[${idx}] ${g[idx]} vs ${num}`);
      });
    }
    tf.dispose([value, ...Object.values(grads), xv, cv]);
    layer.dispose();
  }
});

Deno.test("inputs must be two 2-D tensors with a known, consistent size", () => {
  const layer = new TaskAttention({ name: "smile/att_gender" });
  assert.throws(
    () => layer.apply([tf.input({ shape: [4, 2] }), tf.input({ shape: [3] })]),
    /TaskAttention "smile\/att_gender": input x = FC_S\(X\) must be 2-D \[batch, units\], got shape \[null,4,2\]/,
  );
  assert.throws(() => layer.apply(tf.input({ shape: [4] })), /expects two inputs \[x, c\]/);
  assert.throws(
    () => layer.apply([tf.zeros([2, 4]), tf.zeros([2, 3, 1])]),
    /input c = FC_G\(X\) must be 2-D/,
  );
  assert.throws(() => layer.apply([tf.zeros([2, 4]), tf.zeros([3, 3])]), /batch sizes differ/);
  layer.apply([tf.input({ shape: [4] }), tf.input({ shape: [3] })]);
  assert.throws(
    () => layer.apply([tf.zeros([2, 5]), tf.zeros([2, 3])]),
    /built for K=4, K'=3; got K=5, K'=3/,
  );
  assert.throws(
    () => new TaskAttention({ weights: "perModule" as TaskAttentionWeights }),
    /weights must be one of module, shared, perPair/,
  );
  assert.throws(
    () => new TaskAttention({ kernelInitializer: "heNormall" }),
    /unknown initializer "heNormall"/,
  );
});

Deno.test("eager calls leave no tensors behind", () => {
  const layer = new TaskAttention({ weights: "perPair", bias: true });
  const x = tf.ones([2, 5]), c = tf.ones([2, 3]);
  (layer.apply([x, c]) as tf.Tensor).dispose(); // first call builds the weights
  const before = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) (layer.apply([x, c]) as tf.Tensor).dispose();
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([x, c]);
  layer.dispose();
});
