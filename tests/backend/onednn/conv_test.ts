/**
 * oneDNN convolutions (forward, fused with bias, backward data, backward weights) against the cpu
 * backend on the shape table the wasm kernels are tested on (kernels 1/2/3/5/7 and non-square,
 * strides 1/2/3, same/valid/explicit padding, odd sizes, batch 1 and 2), plus ResNet-sized cases.
 * Kernels are called through tfjs ops, so the registry and fallbacks are what is tested.
 */
import * as tf from "@tensorflow/tfjs";
import { ok as assert } from "node:assert/strict";
import { CASES } from "../conv_cases.ts";
import { rand } from "../helpers.ts";
import { ONEDNN_TOLERANCE, onednnTest, onednnVsCpu } from "./helpers.ts";

const RESNET_CASES = [
  { x: [2, 16, 16, 64], k: [3, 3], co: 64, s: [1, 1], pad: "same" },
  { x: [2, 15, 15, 32], k: [1, 1], co: 64, s: [2, 2], pad: "valid" },
  { x: [1, 38, 38, 3], k: [7, 7], co: 16, s: [2, 2], pad: "valid" },
] as const;

const ALL = [...CASES, ...RESNET_CASES];
const label = (c: (typeof ALL)[number]) =>
  `x=${c.x} k=${c.k} co=${c.co} s=${c.s} pad=${JSON.stringify(c.pad)}`;

Deno.test({ name: "onednn Conv2D / FusedConv2D match cpu", ...onednnTest }, async () => {
  for (const [i, c] of ALL.entries()) {
    const x = () => rand([...c.x], 10 + i) as tf.Tensor4D;
    const w = () => rand([...c.k, c.x[3], c.co], 20 + i) as tf.Tensor4D;
    const b = () => rand([c.co], 30 + i) as tf.Tensor1D;
    const pad = c.pad as "same";
    const err = await onednnVsCpu(() => [
      tf.conv2d(x(), w(), c.s as [number, number], pad),
      tf.fused.conv2d({ x: x(), filter: w(), strides: c.s as [number, number], pad, bias: b() }),
    ]);
    assert(err <= ONEDNN_TOLERANCE, `${label(c)}: relErr ${err}`);
  }
});

Deno.test(
  { name: "onednn conv gradients (backward data and weights) match cpu", ...onednnTest },
  async () => {
    for (const [i, c] of ALL.entries()) {
      const pad = c.pad as "same";
      const err = await onednnVsCpu(() => {
        const x = rand([...c.x], 40 + i) as tf.Tensor4D;
        const w = rand([...c.k, c.x[3], c.co], 50 + i) as tf.Tensor4D;
        const y = tf.conv2d(x, w, c.s as [number, number], pad);
        const dy = rand(y.shape, 60 + i) as tf.Tensor4D;
        return [
          tf.conv2dTranspose(dy, w, x.shape, c.s as [number, number], pad as "same"),
          tf.grad((f: tf.Tensor) =>
            tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, c.s as [number, number], pad), dy))
          )(w),
        ];
      });
      assert(err <= ONEDNN_TOLERANCE, `${label(c)}: relErr ${err}`);
    }
  },
);
