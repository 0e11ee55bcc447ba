import { z } from "zod";
import { defineOp, INITIALIZERS, needRank, pair, windowOut } from "./op.ts";
import { initField, paddingField, pairField } from "./fields.ts";

/** `conv2d`: a 2-D convolution (Keras' `Conv2D`), optionally with bias and a relu. */
export const conv2d = defineOp({
  op: "conv2d",
  layer: true,
  attrs: {
    filters: z.number().int().positive(),
    kernel: pairField,
    strides: pairField.default(1),
    padding: paddingField.default("valid"),
    useBias: z.boolean().default(true),
    activation: z.enum(["linear", "relu"]).default("linear"),
    init: initField.default("he_normal"),
  },
  infer(a, [x], where) {
    needRank("conv2d", x, 3, where);
    const [kh, kw] = pair(a.kernel);
    const [sh, sw] = pair(a.strides);
    const [h, w] = [windowOut(x[0], kh, sh, a.padding, where), windowOut(x[1], kw, sw, a.padding, where)];
    return { shape: [h, w, a.filters], params: kh * kw * x[2] * a.filters + (a.useBias ? a.filters : 0) };
  },
  lower: (a, name, { conv2d }) =>
    conv2d({
      name,
      filters: a.filters,
      kernelSize: a.kernel,
      strides: a.strides,
      padding: a.padding,
      useBias: a.useBias,
      activation: a.activation,
      kernelInitializer: INITIALIZERS[a.init],
    }),
});
