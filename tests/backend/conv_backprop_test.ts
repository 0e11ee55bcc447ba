/**
 * The wasm conv backward kernels against the cpu backend, called directly through the kernel registry
 * on a table of shapes: kernels 1/2/3/5/7 (and non-square), strides 1/2/3, same/valid/explicit padding
 * (including padding wider than the kernel), odd sizes, unused trailing rows, batch 1 and 2; the weight
 * gradient through both its paths (im2col and the identity conv); and the forward convs, whose "same"
 * padding the project rewrites (stock XNNPACK SAME is wrong for a 3×1 filter with stride 2).
 * Each case also checks that wasm leaks no tensors or data ids. Tolerance: relErr ≤ 1e-5.
 */
import * as tf from "@tensorflow/tfjs-core";
import { ok as assert } from "node:assert/strict";
import { backpropFilterPath } from "../../src/backend/wasm/conv2d_backprop_filter.ts";
import { type Case, CASES } from "./conv_cases.ts";
import { compareWithCpu, rand, TOLERANCE } from "./helpers.ts";

const label = (c: Case) => `x=${c.x} k=${c.k} co=${c.co} s=${c.s} pad=${JSON.stringify(c.pad)}`;
const outShape = (c: Case) => {
  const probe = tf.conv2d(
    tf.zeros(c.x) as tf.Tensor4D,
    tf.zeros([...c.k, c.x[3], c.co]) as tf.Tensor4D,
    c.s,
    c.pad,
  );
  return probe.shape;
};

for (const path of ["im2col", "conv"] as const) {
  Deno.test(`Conv2DBackpropFilter on wasm matches cpu (${path} path)`, async () => {
    backpropFilterPath.force = path;
    try {
      for (const [i, c] of CASES.entries()) {
        const err = await compareWithCpu(() => {
          const x = rand(c.x, 10 + i), dy = rand(outShape(c), 50 + i);
          const attrs = { strides: c.s, pad: c.pad, dataFormat: "NHWC", filterShape: [...c.k, c.x[3], c.co] };
          return tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, attrs as never) as tf.Tensor;
        });
        assert(err <= TOLERANCE, `${label(c)}: relErr ${err}`);
      }
    } finally {
      backpropFilterPath.force = undefined;
    }
  });
}

Deno.test("Conv2DBackpropInput on wasm matches cpu", async () => {
  for (const [i, c] of CASES.entries()) {
    const err = await compareWithCpu(() => {
      const dy = rand(outShape(c), 90 + i), filter = rand([...c.k, c.x[3], c.co], 130 + i);
      const attrs = { strides: c.s, pad: c.pad, dataFormat: "NHWC", inputShape: c.x };
      return tf.engine().runKernel("Conv2DBackpropInput", { dy, filter }, attrs as never) as tf.Tensor;
    });
    assert(err <= TOLERANCE, `${label(c)}: relErr ${err}`);
  }
});

Deno.test("tf.grad of conv2d uses the wasm kernels and matches cpu", async () => {
  for (const [i, c] of CASES.filter((c) => c.pad !== "valid" || c.s[0] === 1).entries()) {
    const err = await compareWithCpu(() => {
      const x = rand(c.x, 170 + i), w = rand([...c.k, c.x[3], c.co], 210 + i);
      const f = (x: tf.Tensor, w: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad)));
      return tf.grads(f)([x, w]);
    });
    assert(err <= TOLERANCE, `${label(c)}: relErr ${err}`);
  }
});

Deno.test("forward Conv2D, FusedConv2D and depthwise on wasm match cpu (same padding made explicit)", async () => {
  for (const [i, c] of CASES.entries()) {
    const err = await compareWithCpu(() => {
      const x = rand(c.x, 250 + i) as tf.Tensor4D, w = rand([...c.k, c.x[3], c.co], 290 + i) as tf.Tensor4D;
      const bias = rand([c.co], 330 + i) as tf.Tensor1D;
      const dw = rand([...c.k, c.x[3], 2], 370 + i) as tf.Tensor4D;
      return [
        tf.conv2d(x, w, c.s, c.pad),
        tf.fused.conv2d({ x, filter: w, strides: c.s, pad: c.pad, bias, activation: "relu" }),
        ...(c.s[0] === c.s[1] ? [tf.depthwiseConv2d(x, dw, c.s, c.pad)] : []),
      ];
    });
    assert(err <= TOLERANCE, `${label(c)}: relErr ${err}`);
  }
});
