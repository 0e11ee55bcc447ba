import { z } from "zod";
import { defineOp } from "./op.ts";

/** `batchnorm`: batch normalisation over the last axis; gamma, beta and the two moving statistics count. */
export const batchnorm = defineOp({
  op: "batchnorm",
  layer: true,
  attrs: {
    epsilon: z.number().positive().default(1.001e-5),
    momentum: z.number().min(0).max(1).default(0.99),
  },
  infer: (_a, [x]) => ({ shape: x, params: 4 * x.at(-1)! }),
  lower: (a, name, { batchNormalization }) =>
    batchNormalization({ name, axis: -1, epsilon: a.epsilon, momentum: a.momentum }),
});
