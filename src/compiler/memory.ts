/**
 * Training memory of a graph, estimated from its IR: what one image costs (the activations kept for
 * the backward pass, from every node's output shape) and what the model costs whatever the batch
 * (weights, their gradients and Adam's two slots, from the parameter count). No tfjs, no names:
 * any graph gets an estimate from its own shapes.
 *
 * @module
 */
import type { IR } from "./ir.ts";

/** What training a graph takes, in MiB. */
export interface TrainingMemory {
  /** Grows with the micro-batch: kept activations and their gradients, with the step's peaks. */
  perImageMiB: number;
  /** Independent of the batch: weights, gradients, Adam's moments, backend buffers. */
  fixedMiB: number;
}

const MIB = 1024 * 1024;

/**
 * Bytes per activation value of one image, over a training step: the float32 output itself, the
 * intermediates tfjs keeps for its gradient (batch-norm keeps several), the gradient flowing back,
 * and the step's transient peaks. Measured on wasm (tfjs 4.22, one pass of the two-branch attention
 * MTL): ResNet50 at 224×224, ~600 MiB per image for 37.7 M node values (16.7 B each); the small
 * trunk at 64×64, ~21 MiB for 1.0 M (22.1 B each). 22 covers both, leaving ResNet50 ~25% for peaks.
 */
const BYTES_PER_ACTIVATION = 22;

/**
 * Bytes per parameter: weights, gradients and Adam's two moments (float32), plus the backend's
 * copies (packed filters). ResNet50's graph measured ~700 MiB fixed for 28.3 M parameters.
 */
const BYTES_PER_PARAM = 24;

/** The backend's own buffers and the step's bookkeeping, whatever the graph. */
const BASE_MIB = 32;

/**
 * Estimates a graph's training memory from its IR: every node's output is kept for the backward
 * pass, and every parameter costs its weight, gradient and optimizer state.
 *
 * @example
 * ```ts
 * import { compileFile, estimateTrainingMemory } from "./mod.ts";
 * const { ir } = await compileFile("graphs/attention_mtl.ts");
 * estimateTrainingMemory(ir); // { perImageMiB: ~790, fixedMiB: ~680 }
 * ```
 */
export function estimateTrainingMemory(ir: Pick<IR, "nodes" | "totalParams">): TrainingMemory {
  let values = 0;
  for (const node of ir.nodes) values += node.shape.reduce((p, d) => p * d, 1);
  return {
    perImageMiB: (values * BYTES_PER_ACTIVATION) / MIB,
    fixedMiB: BASE_MIB + (ir.totalParams * BYTES_PER_PARAM) / MIB,
  };
}
