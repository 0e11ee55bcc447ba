import { defineOp, needRank } from "./op.ts";

/** `concat`: joins vectors end to end; a head's representation when several vectors meet. */
export const concat = defineOp({
  op: "concat",
  layer: false,
  attrs: {},
  infer(_a, inputs, where) {
    inputs.forEach((s) => needRank("concat", s, 1, where));
    return { shape: [inputs.reduce((n, s) => n + s[0], 0)], params: 0 };
  },
  lower: (_a, name, { tf }) => tf.layers.concatenate({ name, axis: -1 }),
});
