import { z } from "zod";
import { defineOp } from "./op.ts";

/** `activation`: an elementwise nonlinearity. */
export const activation = defineOp({
  op: "activation",
  layer: true,
  attrs: { fn: z.enum(["relu", "tanh", "sigmoid", "linear"]) },
  infer: (_a, [x]) => ({ shape: x, params: 0 }),
  lower: (a, name, { tf }) => tf.layers.activation({ name, activation: a.fn }),
});
