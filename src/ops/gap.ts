import { defineOp, needRank } from "./op.ts";

/** `gap`: global average pooling, an image [h, w, c] to a vector [c]. */
export const gap = defineOp({
  op: "gap",
  layer: true,
  attrs: {},
  infer(_a, [x], where) {
    needRank("gap", x, 3, where);
    return { shape: [x[2]], params: 0 };
  },
  lower: (_a, name, { tf }) => tf.layers.globalAveragePooling2d({ name }),
});
