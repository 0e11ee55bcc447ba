import { defineOp, needRank, pair } from "./op.ts";
import { pairField } from "./fields.ts";

/** `zeropad`: zero padding on both sides of height and width (Keras' `ZeroPadding2D`). */
export const zeropad = defineOp({
  op: "zeropad",
  layer: true,
  attrs: { padding: pairField },
  infer(a, [x], where) {
    needRank("zeropad", x, 3, where);
    const [ph, pw] = pair(a.padding);
    return { shape: [x[0] + 2 * ph, x[1] + 2 * pw, x[2]], params: 0 };
  },
  lower(a, name, { tf }) {
    const [ph, pw] = pair(a.padding);
    return tf.layers.zeroPadding2d({ name, padding: [[ph, ph], [pw, pw]] });
  },
});
