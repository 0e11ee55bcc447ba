import { z } from "zod";
import { defineOp } from "./op.ts";

/** `dropout`: zeroes a fraction `rate` of its inputs while training. */
export const dropout = defineOp({
  op: "dropout",
  layer: true,
  attrs: { rate: z.number().min(0).lt(1) },
  infer: (_a, [x]) => ({ shape: x, params: 0 }),
  lower: (a, name, { tf }) => tf.layers.dropout({ name, rate: a.rate }),
});
