/**
 * The onednn backend's other kernels against cpu, through tfjs ops: batch-norm in training mode (forward
 * and the fused backward, against tfjs' composed moments + batchNorm graph on cpu), inference batch-norm,
 * ReLU and its gradient, Add, max/average pooling and their gradients, Sum and Mean over axes.
 * Tolerance: relErr ≤ 1e-4; every case also checks nothing leaks.
 */
import * as tf from "@tensorflow/tfjs";
import { ok as assert } from "node:assert/strict";
import {
  backendHasKernel,
  BATCH_NORM_TRAINING,
  batchNormTraining,
} from "../../../src/layers/fused_kernels.ts";
import { rand, randArray, relErr } from "../helpers.ts";
import { ONEDNN_TOLERANCE, onednnTest, onednnVsCpu, useOnednn } from "./helpers.ts";

/** tfjs-layers' normalizeBatchInTraining, composed: the reference the fused kernel must match. */
function composedBatchNorm(x: tf.Tensor, scale: tf.Tensor1D, offset: tf.Tensor1D, eps: number) {
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  const { mean, variance } = tf.moments(x, axes);
  return [tf.batchNorm(x, mean, variance, offset, scale, eps), mean, variance];
}

const bnShapes = [[2, 5, 5, 3], [8, 4, 4, 16], [3, 7], [4, 6, 6, 64]];

Deno.test(
  { name: "onednn batch-norm training forward and fused backward match cpu", ...onednnTest },
  async () => {
    await useOnednn();
    assert(backendHasKernel(BATCH_NORM_TRAINING), "onednn registers the fused batch-norm kernel");
    for (const [i, shape] of bnShapes.entries()) {
      const c = shape[shape.length - 1];
      const err = await onednnVsCpu(() => {
        const x = tf.add(tf.mul(rand(shape, 1 + i), 3), 0.5);
        const scale = tf.add(rand([c], 2 + i), 1.5) as tf.Tensor1D;
        const offset = rand([c], 3 + i) as tf.Tensor1D;
        const dy = rand(shape, 4 + i);
        const eps = 1e-3;
        const fused = backendHasKernel(BATCH_NORM_TRAINING);
        const f = (xx: tf.Tensor, s: tf.Tensor, o: tf.Tensor) =>
          fused
            ? batchNormTraining(xx, s as tf.Tensor1D, o as tf.Tensor1D, eps)
            : composedBatchNorm(xx, s as tf.Tensor1D, o as tf.Tensor1D, eps);
        const [y, mean, variance] = f(x, scale, offset);
        const grads = tf.grads((xx, s, o) => tf.sum(tf.mul(f(xx, s, o)[0], dy)))([x, scale, offset]);
        return [y, mean, variance, ...grads];
      });
      assert(err <= ONEDNN_TOLERANCE, `shape ${shape}: relErr ${err}`);
    }
  },
);

Deno.test(
  { name: "onednn inference batch-norm, ReLU (and gradient) and Add match cpu", ...onednnTest },
  async () => {
    for (const [i, shape] of [[2, 9, 9, 8], [64, 256], [3, 5, 5, 3]].entries()) {
      const c = shape[shape.length - 1];
      const err = await onednnVsCpu(() => {
        const x = rand(shape, 10 + i);
        const b = rand(shape, 20 + i);
        const variance = tf.add(tf.abs(rand([c], 30 + i)), 0.1);
        const dy = rand(shape, 40 + i);
        return [
          tf.batchNorm(x, rand([c], 50 + i), variance, rand([c], 60 + i), rand([c], 70 + i), 1e-3),
          tf.relu(x),
          tf.grad((t) => tf.sum(tf.mul(tf.relu(t), dy)))(x),
          tf.add(x, b),
        ];
      });
      assert(err <= ONEDNN_TOLERANCE, `shape ${shape}: relErr ${err}`);
    }
  },
);

const poolCases: { x: number[]; k: [number, number]; s: [number, number]; pad: "same" | "valid" }[] = [
  { x: [2, 8, 8, 3], k: [2, 2], s: [2, 2], pad: "valid" },
  { x: [1, 9, 9, 4], k: [3, 3], s: [2, 2], pad: "same" },
  { x: [2, 7, 6, 2], k: [3, 3], s: [1, 1], pad: "same" },
  { x: [1, 12, 12, 5], k: [3, 2], s: [2, 3], pad: "valid" },
];

/**
 * The gradient of average pooling that excludes padding (tfjs' forward), as a plain loop: each output's
 * dy is shared equally by the input pixels its window covers.
 */
function naiveAvgPoolGrad(x: tf.Tensor4D, dy: tf.Tensor4D, k: [number, number], s: [number, number]) {
  const [n, h, w, c] = x.shape;
  const info = tf.backend_util.computePool2DInfo(x.shape, k, s, 1, "same");
  const g = dy.arraySync();
  const dx = new Float32Array(n * h * w * c);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < info.outHeight; oy++) {
      for (let ox = 0; ox < info.outWidth; ox++) {
        const y0 = oy * s[0] - info.padInfo.top, x0 = ox * s[1] - info.padInfo.left;
        const ys = [...Array(k[0]).keys()].map((i) => y0 + i).filter((v) => v >= 0 && v < h);
        const xs = [...Array(k[1]).keys()].map((i) => x0 + i).filter((v) => v >= 0 && v < w);
        for (let ch = 0; ch < c; ch++) {
          const share = g[b][oy][ox][ch] / (ys.length * xs.length);
          for (const iy of ys) for (const ix of xs) dx[((b * h + iy) * w + ix) * c + ch] += share;
        }
      }
    }
  }
  return dx;
}

Deno.test({ name: "onednn max/average pooling and their gradients match cpu", ...onednnTest }, async () => {
  for (const [i, c] of poolCases.entries()) {
    const err = await onednnVsCpu(() => {
      const x = rand(c.x, 80 + i) as tf.Tensor4D;
      const yMax = tf.maxPool(x, c.k, c.s, c.pad);
      const dy = rand(yMax.shape, 90 + i);
      const outs = [
        yMax,
        tf.avgPool(x, c.k, c.s, c.pad),
        tf.grad((t) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, c.k, c.s, c.pad), dy)))(x),
      ];
      if (c.pad === "valid") {
        outs.push(tf.grad((t) => tf.sum(tf.mul(tf.avgPool(t as tf.Tensor4D, c.k, c.s, c.pad), dy)))(x));
      }
      return outs;
    });
    assert(err <= ONEDNN_TOLERANCE, `pool ${JSON.stringify(c)}: relErr ${err}`);
  }
});

// tfjs-backend-cpu's AvgPoolGrad divides by the whole window (kh·kw) even where the forward averaged fewer
// pixels (padding excluded), so with "same" padding it is not the forward's gradient. oneDNN's is: checked
// against a plain loop.
Deno.test({ name: "onednn average-pooling gradient with same padding is exact", ...onednnTest }, async () => {
  await useOnednn();
  for (const [i, c] of poolCases.filter((p) => p.pad === "same").entries()) {
    tf.tidy(() => {
      const x = rand(c.x, 110 + i) as tf.Tensor4D;
      const dy = rand(tf.avgPool(x, c.k, c.s, "same").shape, 120 + i) as tf.Tensor4D;
      const got = tf.grad((t) => tf.sum(tf.mul(tf.avgPool(t as tf.Tensor4D, c.k, c.s, "same"), dy)))(x);
      const err = relErr(got.dataSync(), naiveAvgPoolGrad(x, dy, c.k, c.s));
      assert(err <= ONEDNN_TOLERANCE, `avg pool grad ${JSON.stringify(c)}: relErr ${err}`);
    });
  }
});

Deno.test({ name: "onednn Sum and Mean over axes match cpu", ...onednnTest }, async () => {
  const cases: [number[], number[], boolean][] = [
    [[4, 16, 16, 32], [0, 1, 2], false],
    [[4, 16, 16, 32], [1, 2], false],
    [[4, 16, 16, 32], [1, 2], true],
    [[256, 64], [0], false],
    [[64, 128], [1], true],
    [[8, 8, 8, 16], [0, 1, 2, 3], false],
    [[8, 8, 8, 16], [0, 2], false], // not one run of axes: the cpu kernel
    [[9, 300], [-1], false],
  ];
  for (const [i, [shape, axes, keep]] of cases.entries()) {
    // The reductions are plain JavaScript loops (oneDNN 2.6 has only reference code for them).
    const err = await onednnVsCpu(() => {
      const x = rand(shape, 100 + i);
      return [tf.sum(x, axes, keep), tf.mean(x, axes, keep)];
    }, false);
    assert(err <= ONEDNN_TOLERANCE, `reduce ${shape} over ${axes}: relErr ${err}`);
  }
});

Deno.test(
  { name: "onednn Add/Sub/Multiply/RealDiv with and without broadcasting match cpu", ...onednnTest },
  async () => {
    const cases: [number[], number[]][] = [
      [[32, 8, 8, 128], [32, 8, 8, 128]], // residual add, gradient sums
      [[32, 8, 8, 128], []], // tensor ∘ scalar (Adam, the loss)
      [[], [3, 3, 64, 128]], // scalar ∘ tensor: swapped for add/mul, cpu for sub/div
      [[32, 1, 1, 128], [32, 8, 8, 128]], // the mean's gradient
      [[64, 1024], [1024]], // a bias
    ];
    const fallbacks: [number[], number[]][] = [
      [[64, 1, 512], [1, 64, 512]], // both broadcast
      [[7, 5], [7, 5]], // small
    ];
    for (const [i, [sa, sb]] of [...cases, ...fallbacks].entries()) {
      const err = await onednnVsCpu(() => {
        const a = rand(sa, 200 + i);
        // Away from 0 for the division, made without kernels (only the ops under test may run).
        const b = tf.tensor(randArray(tf.util.sizeFromShape(sb), 300 + i).map((v) => Math.abs(v) + 0.5), sb);
        return [tf.add(a, b), tf.sub(a, b), tf.mul(a, b), tf.div(a, b)];
      }, i < cases.length);
      assert(err <= ONEDNN_TOLERANCE, `binary ${sa} ∘ ${sb}: relErr ${err}`);
    }
  },
);

Deno.test({
  name: "onednn unary kernels (tanh, exp, log, sigmoid, sqrt, square, abs) match cpu",
  ...onednnTest,
}, async () => {
  for (const shape of [[32, 64, 64], [5, 7]]) {
    const err = await onednnVsCpu(() => {
      const x = rand(shape, 400);
      const pos = tf.add(tf.abs(x), 0.1);
      return [tf.tanh(x), tf.exp(x), tf.log(pos), tf.sigmoid(x), tf.sqrt(pos), tf.square(x), tf.abs(x)];
    }, shape.length === 3);
    assert(err <= ONEDNN_TOLERANCE, `unary on ${shape}: relErr ${err}`);
  }
});

Deno.test(
  { name: "onednn BatchMatMul (transposes, batch broadcast) and Unpack match cpu", ...onednnTest },
  async () => {
    const cases: [number[], number[], boolean, boolean][] = [
      [[64, 2048], [2048, 64], false, false], // a dense layer
      [[64, 2048], [64, 64], true, false], // its kernel gradient
      [[64, 64], [2048, 64], false, true], // its input gradient
      [[32, 64, 1], [32, 64, 1], false, true], // the attention layer's products
      [[32, 64, 2], [32, 2, 64], false, false],
      [[1, 5, 7], [6, 7, 3], false, false], // batch of 1 broadcast
      [[6, 7, 5], [7, 3], true, false],
    ];
    for (const [i, [sa, sb, ta, tb]] of cases.entries()) {
      const err = await onednnVsCpu(() => tf.matMul(rand(sa, 500 + i), rand(sb, 600 + i), ta, tb));
      assert(err <= ONEDNN_TOLERANCE, `matMul ${sa}${ta ? "ᵀ" : ""} × ${sb}${tb ? "ᵀ" : ""}: relErr ${err}`);
    }
    for (const [shape, axis] of [[[32, 2, 64], 1], [[32, 64, 2], 2], [[3, 4], 0]] as const) {
      const err = await onednnVsCpu(() => tf.unstack(rand([...shape], 700), axis), false);
      assert(err === 0, `unstack ${shape} on axis ${axis}: relErr ${err}`);
    }
  },
);

Deno.test({ name: "onednn Slice and PadV2 (contiguous-run copies) match cpu", ...onednnTest }, async () => {
  const slices: [number[], number[], number[]][] = [
    [[8, 114, 114, 6], [0, 1, 1, 0], [8, 112, 112, 6]], // the zero-padding layers' gradient
    [[3, 10, 7], [1, 2, 3], [2, -1, 3]],
    [[20, 5], [4, 0], [10, 5]], // whole rows: one run
    [[9], [2], [5]],
    [[4, 4, 4], [0, 0, 0], [0, 4, 4]], // empty
  ];
  for (const [i, [shape, begin, size]] of slices.entries()) {
    const err = await onednnVsCpu(() => tf.slice(rand(shape, 800 + i), begin, size), false);
    assert(err === 0, `slice ${shape} at ${begin} size ${size}: relErr ${err}`);
  }
  const pads: [number[], [number, number][], number][] = [
    [[2, 6, 6, 3], [[0, 0], [3, 3], [3, 3], [0, 0]], 0], // conv1_pad
    [[2, 5, 7, 4], [[0, 0], [1, 1], [1, 1], [0, 0]], 0],
    [[3, 4], [[1, 2], [0, 3]], 1.5],
  ];
  for (const [i, [shape, paddings, value]] of pads.entries()) {
    const err = await onednnVsCpu(() => {
      const x = rand(shape, 900 + i);
      return [tf.pad(x, paddings, value), tf.grad((t) => tf.sum(tf.square(tf.pad(t, paddings, value))))(x)];
    }, false);
    assert(err <= ONEDNN_TOLERANCE, `pad ${shape} by ${JSON.stringify(paddings)}: relErr ${err}`);
  }
});

Deno.test(
  { name: "onednn runs ReLU's gradient as one kernel (not tfjs' step × dy)", ...onednnTest },
  async () => {
    await useOnednn();
    const x = rand([64, 1024], 1000), dy = rand([64, 1024], 1001);
    const info = await tf.profile(() => tf.grad((t) => tf.sum(tf.mul(tf.relu(t), dy)))(x));
    const names = info.kernels.map((k) => k.name);
    assert(names.includes("ProjectReluGrad"), `kernels: ${names.join(", ")}`);
    assert(!names.includes("Step"), `kernels: ${names.join(", ")}`);
    tf.dispose([x, dy]);
  },
);
