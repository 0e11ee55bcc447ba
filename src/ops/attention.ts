import { z } from "zod";
import {
  TASK_ATTENTION_TEMPERATURES,
  TASK_ATTENTION_WEIGHTS,
  taskAttentionParamCount,
} from "./attention_params.ts";
import { UserError } from "../util/errors.ts";
import { defineOp, showShape } from "./op.ts";

/**
 * Which of a dependency's vectors an edge reads: `"fc"` (its FC output, before its own attention;
 * mutual edges then form no cycle) or `"attended"` (its combined representation).
 */
export const contextField: z.ZodEnum<{ fc: "fc"; attended: "attended" }> = z.enum(["fc", "attended"]);

/**
 * `attention`: the paper's task attention (eq. 3–6, 9–12) over x (K units, this head's FC) with the
 * context c (K' units, the dependency's vector); output K' units. Its attributes are the fields of
 * an attention edge (`heads.S.dependsOn.G`). `temperature` is left out unless a graph sets it, so
 * the paper's graphs keep their IR; `"learned"` is beyond the paper (see attention_params.ts).
 */
export const attention = defineOp({
  op: "attention",
  layer: false,
  attrs: {
    weights: z.enum(TASK_ATTENTION_WEIGHTS).default("module"),
    bias: z.boolean().default(false),
    context: contextField.default("fc"),
    temperature: z.enum(TASK_ATTENTION_TEMPERATURES).optional(),
  },
  infer(a, [x, c], where) {
    for (const s of [x, c]) {
      if (s.length !== 1) {
        throw new UserError(
          where,
          `an attention edge needs 2-D FC outputs on both heads; got ${showShape(s)}`,
        );
      }
    }
    return {
      shape: [c[0]],
      params: taskAttentionParamCount({
        k: x[0],
        kPrime: c[0],
        weights: a.weights,
        bias: a.bias,
        temperature: a.temperature,
      }),
    };
  },
  lower: (a, name, { taskAttention }) =>
    taskAttention({
      name,
      weights: a.weights,
      bias: a.bias,
      ...(a.temperature === "learned" ? { temperature: a.temperature } : {}),
    }),
});
