import { defineOp, needSameShapes } from "./op.ts";

/** `mean`: the elementwise mean of vectors of one shape (a head's `combine: "mean"`). */
export const mean = defineOp({
  op: "mean",
  layer: false,
  attrs: {},
  infer(_a, inputs, where) {
    needSameShapes("mean", inputs, where);
    return { shape: inputs[0], params: 0 };
  },
  lower: (_a, name, { tf }) => tf.layers.average({ name }),
});
