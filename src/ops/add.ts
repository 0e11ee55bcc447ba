import { z } from "zod";
import { defineOp, needSameShapes } from "./op.ts";

/** `add`: the elementwise sum of two or more inputs of one shape (a residual join). */
export const add = defineOp({
  op: "add",
  layer: true,
  inputs: z.array(z.string()).min(2),
  attrs: {},
  infer(_a, inputs, where) {
    needSameShapes("add", inputs, where);
    return { shape: inputs[0], params: 0 };
  },
  lower: (_a, name, { tf }) => tf.layers.add({ name }),
});
