/**
 * Pass 5, lower: the one compiler module that loads tfjs. Each node becomes the layer its op's
 * entry in the op table (src/ops) builds, given tfjs and the project's layers.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  batchNormalization,
  conv2d,
  type LayersModel,
  registerProjectLayers,
  taskAttention,
} from "../layers/mod.ts";
import { type LowerKit, opDef, type OpName } from "../ops/mod.ts";
import { UserError } from "../util/errors.ts";
import type { IR, IRNodeOf } from "./ir.ts";

const KIT: LowerKit = { tf, batchNormalization, conv2d, taskAttention };

/** The tfjs layer for one IR node; its name is the node's name (from the graph's paths). */
function layerFor<Op extends OpName>(node: IRNodeOf<Op>): tf.layers.Layer {
  return opDef(node.op).lower(node.attrs as never, node.name, KIT);
}

/**
 * Builds a `tf.LayersModel` from IR with the functional API, one layer per node. The model has
 * one input named `input` and one softmax output per head, in the graph's head order.
 *
 * @example
 * ```ts
 * import { compileFile } from "./mod.ts";
 * const model = lowerToModel((await compileFile("graphs/tmtl.ts")).ir);
 * model.countParams(); // 28322052
 * ```
 */
export function lowerToModel(ir: IR): LayersModel {
  try {
    return buildModel(ir);
  } catch (e) {
    // The compiler caps each tensor and the total, but the machine may still have less memory.
    if (e instanceof RangeError && /allocat|memory|array length/i.test(e.message)) {
      throw new UserError(
        ir.name,
        `could not allocate the model's ${ir.totalParams.toLocaleString("en-US")} parameters ` +
          `(${(ir.totalParams * 4 / 2 ** 30).toFixed(1)} GiB of weights): ${e.message.split("\n")[0]}`,
      );
    }
    throw e;
  }
}

function buildModel(ir: IR): LayersModel {
  registerProjectLayers();
  const tensors = new Map<string, tf.SymbolicTensor>();
  const input = tf.input({ name: "input", shape: ir.input });
  for (const node of ir.nodes) {
    if (node.op === "input") {
      tensors.set(node.name, input);
      continue;
    }
    const inputs = node.inputs.map((i) => tensors.get(i)!);
    const out = layerFor(node).apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor;
    tensors.set(node.name, out);
  }
  return tf.model({ name: ir.name, inputs: input, outputs: ir.heads.map((h) => tensors.get(h.output)!) });
}
