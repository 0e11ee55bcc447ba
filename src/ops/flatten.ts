import { defineOp } from "./op.ts";

/** `flatten`: any shape to one vector. */
export const flatten = defineOp({
  op: "flatten",
  layer: true,
  attrs: {},
  infer: (_a, [x]) => ({ shape: [x.reduce((p, d) => p * d, 1)], params: 0 }),
  lower: (_a, name, { tf }) => tf.layers.flatten({ name }),
});
