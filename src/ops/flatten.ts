import { UserError } from "../util/errors.ts";
import { defineOp, showShape } from "./op.ts";

/** `flatten`: an image (or any shape of rank 2 or more, batch aside) to one vector. */
export const flatten = defineOp({
  op: "flatten",
  layer: true,
  attrs: {},
  infer(_a, [x], where) {
    // tfjs' Flatten refuses a vector (min_ndim 3 with the batch); say so here, with the fix.
    if (x.length < 2) {
      throw new UserError(
        where,
        `flatten needs a 3-D or higher input; got 2-D ${showShape(x)}, already flat`,
      );
    }
    return { shape: [x.reduce((p, d) => p * d, 1)], params: 0 };
  },
  lower: (_a, name, { tf }) => tf.layers.flatten({ name }),
});
