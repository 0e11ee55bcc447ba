import { defineOp, needRank, pair, windowOut } from "./op.ts";
import { paddingField, pairField } from "./fields.ts";

/** `maxpool`: 2-D max pooling; strides default to the pool size, as in Keras. */
export const maxpool = defineOp({
  op: "maxpool",
  layer: true,
  attrs: {
    pool: pairField,
    strides: pairField.optional(),
    padding: paddingField.default("valid"),
  },
  infer(a, [x], where) {
    needRank("maxpool", x, 3, where);
    const [kh, kw] = pair(a.pool);
    const [sh, sw] = pair(a.strides ?? a.pool);
    return {
      shape: [windowOut(x[0], kh, sh, a.padding, where), windowOut(x[1], kw, sw, a.padding, where), x[2]],
      params: 0,
    };
  },
  lower: (a, name, { tf }) =>
    tf.layers.maxPooling2d({ name, poolSize: a.pool, strides: a.strides, padding: a.padding }),
});
