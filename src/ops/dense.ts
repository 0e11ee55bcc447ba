import { z } from "zod";
import { defineOp, INITIALIZERS, needRank } from "./op.ts";
import { initField } from "./fields.ts";

/** `dense`: a fully connected layer; heads use it for their FC layer and their softmax classifier. */
export const dense = defineOp({
  op: "dense",
  layer: true,
  attrs: {
    units: z.number().int().positive(),
    activation: z.enum(["linear", "relu", "tanh", "softmax"]).default("linear"),
    init: initField.default("he_normal"),
  },
  infer(a, [x], where) {
    needRank("dense", x, 1, where, `; add "gap" or "flatten" before it`);
    return { shape: [a.units], params: x[0] * a.units + a.units };
  },
  lower: (a, name, { tf }) =>
    tf.layers.dense({
      name,
      units: a.units,
      activation: a.activation,
      kernelInitializer: INITIALIZERS[a.init],
    }),
});
