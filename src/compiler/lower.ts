import * as tf from "@tensorflow/tfjs";
import { batchNormalization, registerProjectLayers, taskAttention } from "../layers/mod.ts";
import type { IR, IRNode } from "./ir.ts";

type Pair = number | [number, number];
type SymbolicTensor = tf.SymbolicTensor;

const INITIALIZERS = { he_normal: "heNormal", glorot_uniform: "glorotUniform" } as const;
const init = (name: unknown) => INITIALIZERS[name as keyof typeof INITIALIZERS];

/** The tfjs layer for one IR node; its name is the node's name (from the graph's paths). */
function layerFor(node: IRNode): tf.layers.Layer {
  const a = node.attrs as Record<string, never>;
  const name = node.name;
  switch (node.op) {
    case "conv2d":
      return tf.layers.conv2d({
        name,
        filters: a.filters,
        kernelSize: a.kernel as Pair,
        strides: a.strides as Pair,
        padding: a.padding,
        useBias: a.useBias,
        activation: a.activation,
        kernelInitializer: init(a.init),
      });
    case "batchnorm":
      return batchNormalization({ name, axis: -1, epsilon: a.epsilon, momentum: a.momentum });
    case "activation":
      return tf.layers.activation({ name, activation: a.fn });
    case "maxpool":
      return tf.layers.maxPooling2d({
        name,
        poolSize: a.pool as Pair,
        strides: a.strides as Pair,
        padding: a.padding,
      });
    case "zeropad": {
      const p = typeof a.padding === "number" ? [a.padding, a.padding] : a.padding as [number, number];
      return tf.layers.zeroPadding2d({ name, padding: [[p[0], p[0]], [p[1], p[1]]] });
    }
    case "add":
      return tf.layers.add({ name });
    case "gap":
      return tf.layers.globalAveragePooling2d({ name });
    case "flatten":
      return tf.layers.flatten({ name });
    case "dense":
      return tf.layers.dense({
        name,
        units: a.units,
        activation: a.activation,
        kernelInitializer: init(a.init),
      });
    case "dropout":
      return tf.layers.dropout({ name, rate: a.rate });
    case "concat":
      return tf.layers.concatenate({ name, axis: -1 });
    case "mean":
      return tf.layers.average({ name });
    case "attention":
      return taskAttention({ name, weights: a.weights, bias: a.bias });
    case "input":
      throw new Error("input nodes are not layers");
  }
}

/**
 * Pass 5, lower: builds a `tf.LayersModel` from IR with the functional API, one layer per node.
 * The model has one input named `input` and one softmax output per head, in the graph's head order.
 *
 * @example
 * ```ts
 * const model = lowerToModel((await compileFile("graphs/tmtl.ts")).ir);
 * model.countParams(); // 28322052
 * ```
 */
export function lowerToModel(ir: IR): tf.LayersModel {
  registerProjectLayers();
  const tensors = new Map<string, SymbolicTensor>();
  const input = tf.input({ name: "input", shape: ir.input });
  for (const node of ir.nodes) {
    if (node.op === "input") {
      tensors.set(node.name, input);
      continue;
    }
    const inputs = node.inputs.map((i) => tensors.get(i)!);
    const out = layerFor(node).apply(inputs.length === 1 ? inputs[0] : inputs) as SymbolicTensor;
    tensors.set(node.name, out);
  }
  return tf.model({ name: ir.name, inputs: input, outputs: ir.heads.map((h) => tensors.get(h.output)!) });
}
