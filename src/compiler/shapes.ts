import { UserError } from "../util/errors.ts";
import { taskAttentionParamCount, type TaskAttentionWeights } from "../layers/task_attention_params.ts";

/** A tensor shape without the batch dimension: [h, w, c] for images, [units] for vectors. */
export type Shape = number[];

type Pair = number | [number, number];
const pair = (p: Pair): [number, number] => (typeof p === "number" ? [p, p] : p);
const show = (s: Shape) => `(batch, ${s.join(", ")})`;
const rankName = (s: Shape) => `${s.length + 1}-D`;

/** Checks a layer's input rank, naming the fix a user most likely wants. */
function needRank(op: string, s: Shape, rank: number, where: string, fix: string): void {
  if (s.length !== rank) {
    throw new UserError(where, `${op} needs a ${rank + 1}-D input; got ${rankName(s)} ${show(s)}${fix}`);
  }
}

function window(n: number, k: number, s: number, padding: string, where: string): number {
  const out = padding === "same" ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
  if (out < 1) {
    throw new UserError(where, `window ${k} does not fit input size ${n}; the input is too small here`);
  }
  return out;
}

/**
 * Shape inference for one IR op: the output shape and the parameter count (Keras' convention:
 * conv and dense biases, and batch-norm's four vectors, all count). Throws a UserError naming
 * `where` for inputs the op cannot take.
 */
export function inferShape(
  op: string,
  attrs: Record<string, unknown>,
  inputs: Shape[],
  where: string,
): { shape: Shape; params: number } {
  const [x] = inputs;
  const a = attrs as Record<string, never>;
  switch (op) {
    case "conv2d":
    case "maxpool": {
      needRank(op, x, 3, where, "");
      const [kh, kw] = pair(op === "conv2d" ? a.kernel : a.pool);
      const [sh, sw] = pair(a.strides ?? (op === "maxpool" ? a.pool : 1));
      const [h, w] = [window(x[0], kh, sh, a.padding, where), window(x[1], kw, sw, a.padding, where)];
      if (op === "maxpool") return { shape: [h, w, x[2]], params: 0 };
      const filters = a.filters as number;
      return { shape: [h, w, filters], params: kh * kw * x[2] * filters + (a.useBias ? filters : 0) };
    }
    case "zeropad": {
      needRank(op, x, 3, where, "");
      const [ph, pw] = pair(a.padding);
      return { shape: [x[0] + 2 * ph, x[1] + 2 * pw, x[2]], params: 0 };
    }
    case "batchnorm":
      return { shape: x, params: 4 * x.at(-1)! };
    case "activation":
    case "dropout":
      return { shape: x, params: 0 };
    case "add":
    case "mean":
      for (const s of inputs) {
        if (s.join() !== x.join()) {
          throw new UserError(
            where,
            `${op} needs inputs of one shape; got ${inputs.map(show).join(" and ")}`,
          );
        }
      }
      return { shape: x, params: 0 };
    case "gap":
      needRank(op, x, 3, where, "");
      return { shape: [x[2]], params: 0 };
    case "flatten":
      return { shape: [x.reduce((p, d) => p * d, 1)], params: 0 };
    case "dense":
      needRank(op, x, 1, where, `; add "gap" or "flatten" before it`);
      return { shape: [a.units], params: x[0] * (a.units as number) + (a.units as number) };
    case "concat":
      inputs.forEach((s) => needRank(op, s, 1, where, ""));
      return { shape: [inputs.reduce((n, s) => n + s[0], 0)], params: 0 };
    case "attention":
      return attentionShape(a, inputs, where);
    default:
      throw new Error(`no shape rule for op "${op}"`);
  }
}

/** Task attention over x (K units) with context c (K' units): output K', params per variant. */
function attentionShape(a: Record<string, unknown>, [x, c]: Shape[], where: string) {
  for (const s of [x, c]) {
    if (s.length !== 1) {
      throw new UserError(where, `an attention edge needs 2-D FC outputs on both heads; got ${show(s)}`);
    }
  }
  const weights = a.weights as TaskAttentionWeights;
  return {
    shape: [c[0]],
    params: taskAttentionParamCount({ k: x[0], kPrime: c[0], weights, bias: !!a.bias }),
  };
}
