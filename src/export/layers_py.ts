/**
 * The PyTorch code of each IR op: the submodule a stateful node becomes (`nn.Conv2d(…)`) and the
 * expression its forward step computes (`F.relu(self.smile.fc(x))`), with Keras' conventions
 * translated: "same" padding as TensorFlow pads (more on the right and bottom), batch-norm momentum
 * 1 − Keras', flatten in channels-last order, softmax per head.
 *
 * @module
 */
import type { PlannedNode } from "./plan.ts";
import { pyNumber, pyPair, pyString, pyTuple } from "./python_literal.ts";

type Pair = number | [number, number];
const pair = (p: Pair): [number, number] => (typeof p === "number" ? [p, p] : p);

/** Names from mtl/layers.py that a generated model may use. */
export const LAYER_HELPERS = [
  "Conv2dSame",
  "TaskAttention",
  "flatten_channels_last",
  "keras_init_",
  "max_pool2d_same",
] as const;
export type LayerHelper = typeof LAYER_HELPERS[number];

/** Whether PyTorch's own symmetric padding gives TensorFlow's "same" (stride 1, odd kernel). */
function symmetricSame(kernel: [number, number], strides: [number, number]): boolean {
  return strides[0] === 1 && strides[1] === 1 && kernel[0] % 2 === 1 && kernel[1] % 2 === 1;
}

/** The constructor of a stateful node's submodule, and the helpers it needs. */
export function moduleCode(p: PlannedNode): { code: string; helpers: LayerHelper[] } {
  const a = p.node.attrs as Record<string, never>;
  const x = p.inputs[0].shape;
  switch (p.node.op) {
    case "conv2d": {
      const kernel = pair(a.kernel), strides = pair(a.strides ?? 1);
      const args = [String(x[2]), String(a.filters), pyPair(kernel)];
      if (strides[0] !== 1 || strides[1] !== 1) args.push(`stride=${pyPair(strides)}`);
      const explicit = a.padding === "same" && !symmetricSame(kernel, strides);
      if (a.padding === "same" && !explicit) {
        args.push(`padding=${pyPair([(kernel[0] - 1) / 2, (kernel[1] - 1) / 2])}`);
      }
      if (!a.useBias) args.push("bias=False");
      return explicit
        ? { code: `Conv2dSame(${args.join(", ")})`, helpers: ["Conv2dSame"] }
        : { code: `nn.Conv2d(${args.join(", ")})`, helpers: [] };
    }
    case "batchnorm": {
      // PyTorch's momentum weighs the new batch; Keras' weighs the running value.
      const kind = x.length === 3 ? "BatchNorm2d" : "BatchNorm1d";
      const args = `${x.at(-1)}, eps=${pyNumber(a.epsilon)}, momentum=${pyNumber(1 - a.momentum)}`;
      return { code: `nn.${kind}(${args})`, helpers: [] };
    }
    case "dense":
      return { code: `nn.Linear(${x[0]}, ${a.units})`, helpers: [] };
    case "dropout":
      return { code: `nn.Dropout(${pyNumber(a.rate)})`, helpers: [] };
    case "attention": {
      const args = [String(x[0]), String(p.inputs[1].shape[0]), `weights=${pyString(a.weights)}`];
      if (a.bias) args.push("bias=True");
      if (a.temperature === "learned") args.push(`temperature=${pyString("learned")}`);
      return { code: `TaskAttention(${args.join(", ")})`, helpers: ["TaskAttention"] };
    }
    default:
      throw new Error(`op ${p.node.op} has no submodule`);
  }
}

/** `expr` passed through an activation function. */
function activate(fn: string, expr: string): string {
  switch (fn) {
    case "relu":
      return `F.relu(${expr})`;
    case "tanh":
      return `torch.tanh(${expr})`;
    case "sigmoid":
      return `torch.sigmoid(${expr})`;
    case "softmax":
      return `torch.softmax(${expr}, dim=1)`;
    case "linear":
    case undefined:
      return expr;
    default:
      throw new Error(`no PyTorch code for activation ${fn}`);
  }
}

/**
 * The expression of one forward step: `module` is the node's submodule (`self.smile.fc`), `args` the
 * Python expressions of its inputs.
 */
export function forwardCode(
  p: PlannedNode,
  module: string,
  args: string[],
): { code: string; helpers: LayerHelper[] } {
  const a = p.node.attrs as Record<string, never>;
  const [x] = args;
  const plain = (code: string) => ({ code, helpers: [] as LayerHelper[] });
  switch (p.node.op) {
    case "conv2d":
    case "dense":
      return plain(activate(a.activation, `${module}(${x})`));
    case "batchnorm":
    case "dropout":
      return plain(`${module}(${x})`);
    case "attention":
      return plain(`${module}(${args[0]}, ${args[1]})`);
    case "activation":
      return plain(activate(a.fn, x));
    case "maxpool": {
      const pool = pair(a.pool), strides = pair(a.strides ?? a.pool);
      if (a.padding === "same") {
        return {
          code: `max_pool2d_same(${x}, ${pyTuple(pool)}, ${pyTuple(strides)})`,
          helpers: ["max_pool2d_same"],
        };
      }
      return plain(`F.max_pool2d(${x}, ${pyPair(pool)}, ${pyPair(strides)})`);
    }
    case "zeropad": {
      const [ph, pw] = pair(a.padding);
      return plain(`F.pad(${x}, (${pw}, ${pw}, ${ph}, ${ph}))`);
    }
    case "add":
      return plain(args.join(" + "));
    case "mean":
      return plain(`(${args.join(" + ")}) / ${args.length}`);
    case "concat":
      return plain(`torch.cat([${args.join(", ")}], dim=1)`);
    case "gap":
      return plain(`${x}.mean(dim=(2, 3))`);
    case "flatten":
      // Keras flattens height, width, channels; dense kernels from tfjs expect that order.
      return p.inputs[0].shape.length > 1
        ? { code: `flatten_channels_last(${x})`, helpers: ["flatten_channels_last"] }
        : plain(x);
    default:
      throw new Error(`no PyTorch code for op ${p.node.op}`);
  }
}
