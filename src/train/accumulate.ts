/**
 * Gradient accumulation over micro-batches, and the micro-batch size a backend can hold.
 *
 * wasm32 has a 4 GiB heap: the two-branch ResNet50 at 224×224 trains about 3 images per pass, so the
 * paper's batch of 64 is ~22 passes whose gradients are averaged before one optimizer step. Without
 * batch-norm the result equals the full-batch gradient; with batch-norm each pass normalises with its
 * own micro-batch statistics (as any micro-batched BN training does).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readTensors } from "../backend/read.ts";
import { compileSpec, estimateTrainingMemory, type IR, type TrainingMemory } from "../compiler/mod.ts";

/** One micro-batch: inputs and targets, examples along axis 0 (arrays for multi-input/-head models). */
export interface MicroBatch {
  xs: tf.Tensor | tf.Tensor[];
  ys: tf.Tensor | tf.Tensor[];
}

/** What {@link accumulateGradients} returns (caller disposes `grads`). */
export interface AccumulatedGradients {
  /** Per variable name: Σ_k n_k·∇loss_k / Σ_k n_k, the full batch's mean-loss gradient. */
  grads: tf.NamedTensorMap;
  /** The same weighted mean of the micro-batch losses. */
  loss: number;
  /** Examples seen (Σ n_k). */
  count: number;
}

const sizeOf = (t: tf.Tensor | tf.Tensor[]) => (Array.isArray(t) ? t[0] : t).shape[0] ?? 1;

/**
 * Runs `lossFn` (the *mean* loss over a micro-batch) on each micro-batch and returns the gradients of
 * `vars`, averaged with each micro-batch weighted by its size. Only one micro-batch's activations are
 * alive at a time; nothing but the returned gradients is left allocated. The passes' losses are read
 * once, asynchronously, after the last pass (see src/backend/read.ts): no synchronous read per pass.
 */
export async function accumulateGradients(
  lossFn: (xs: tf.Tensor | tf.Tensor[], ys: tf.Tensor | tf.Tensor[]) => tf.Scalar,
  vars: tf.Variable[],
  microBatches: Iterable<MicroBatch>,
): Promise<AccumulatedGradients> {
  const acc: tf.NamedTensorMap = {};
  const losses: { value: tf.Scalar; n: number }[] = [];
  let count = 0;
  try {
    for (const { xs, ys } of microBatches) {
      const n = sizeOf(xs);
      const { value, grads } = tf.variableGrads(() => lossFn(xs, ys), vars);
      losses.push({ value, n });
      const passes = losses.length;
      for (const [name, g] of Object.entries(grads)) {
        // One pass (the whole batch): its gradient as it is. More: Σ n_k·g_k, divided by Σ n_k below.
        const prev = acc[name];
        if (passes === 1) {
          acc[name] = g;
          continue;
        }
        const first = passes === 2 ? tf.mul(prev, count) : prev; // count is still the first pass's size
        acc[name] = tf.tidy(() => tf.add(first, tf.mul(g, n)));
        tf.dispose(first === prev ? [prev, g] : [first, prev, g]);
      }
      count += n;
    }
    if (count === 0) throw new Error("accumulateGradients: no micro-batches");
    if (losses.length > 1) {
      for (const name of Object.keys(acc)) {
        const sum = acc[name];
        acc[name] = tf.div(sum, count);
        sum.dispose();
      }
    }
    // Σ n_k·loss_k in float64, in pass order.
    const values = await readTensors(losses.map((l) => l.value));
    let lossSum = 0;
    losses.forEach((l, k) => lossSum += values[k][0] * l.n);
    return { grads: acc, loss: lossSum / count, count };
  } catch (e) {
    tf.dispose(Object.values(acc));
    throw e;
  } finally {
    tf.dispose(losses.map((l) => l.value));
  }
}

/** Splits a batch along axis 0 into micro-batches of at most `size` examples (caller disposes them). */
export function splitBatch(
  xs: tf.Tensor | tf.Tensor[],
  ys: tf.Tensor | tf.Tensor[],
  size: number,
): MicroBatch[] {
  const n = sizeOf(xs);
  const parts: MicroBatch[] = [];
  const cut = (t: tf.Tensor | tf.Tensor[], start: number, m: number) =>
    Array.isArray(t) ? t.map((u) => tf.slice(u, start, m)) : tf.slice(t, start, m);
  for (let start = 0; start < n; start += size) {
    const m = Math.min(size, n - start);
    parts.push({ xs: cut(xs, start, m), ys: cut(ys, start, m) });
  }
  return parts;
}

/**
 * The paper's two-branch attention MTL on each trunk, as data: what {@link chooseMicroBatch} sizes for
 * when it is given an input size rather than a compiled graph.
 */
const REFERENCE_GRAPHS = {
  resnet50: {
    trunk: [{ use: "resnet50", upTo: "conv5_block2" }],
    branch: [{ use: "resnet50.block", block: "conv5_block3" }, "gap"],
  },
  small: {
    trunk: [{ use: "small_trunk", widths: [32, 64] }],
    branch: [{ use: "small_trunk.block", name: "stage3", filters: 128, strides: 2 }, "gap"],
  },
} as const;

const referenceMemory = new Map<string, TrainingMemory>();

/** Training memory of the reference graph on `trunk` at `inputSize`×`inputSize`, estimated from its IR. */
function referenceTrainingMemory(trunk: keyof typeof REFERENCE_GRAPHS, inputSize: number): TrainingMemory {
  const key = `${trunk}@${inputSize}`;
  let memory = referenceMemory.get(key);
  if (!memory) {
    const { trunk: layers, branch } = REFERENCE_GRAPHS[trunk];
    const head = (dep: string) => ({
      branch,
      fc: 64,
      classes: ["no", "yes"],
      dependsOn: { [dep]: { kind: "attention" } },
    });
    const { ir } = compileSpec({
      name: `reference_${trunk}`,
      input: [inputSize, inputSize, 3],
      trunk: layers,
      heads: { smile: head("gender"), gender: head("smile") },
    });
    memory = estimateTrainingMemory(ir);
    referenceMemory.set(key, memory);
  }
  return memory;
}

/** Options for {@link chooseMicroBatch}. */
export interface MicroBatchOptions {
  /**
   * When no compiled graph is at hand: the paper's two-branch attention MTL on this trunk (default
   * resnet50), compiled at the input size and estimated from its IR.
   */
  trunk?: keyof typeof REFERENCE_GRAPHS;
  /** Never more than this (usually the optimizer batch). */
  maxBatch?: number;
}

const MIB = 1024 * 1024;

/**
 * Memory budget (MiB) a backend gives tensors: wasm32's 4 GiB heap less headroom for fragmentation and
 * peaks; oneDNN's buffers live in system memory without a heap ceiling, so most of it (three quarters
 * of the machine's memory, when the process may ask; `--allow-sys`); for the others an assumption,
 * since tfjs cannot ask a GPU or the system for free memory.
 */
export function memoryBudgetMiB(backend: string): number {
  switch (backend) {
    case "wasm":
      return 3300;
    case "webgpu":
    case "tensorflow-gpu":
      return 6000;
    case "onednn":
      try {
        return Math.floor((0.75 * Deno.systemMemoryInfo().total) / MIB);
      } catch {
        return 12000; // no --allow-sys: as for the other system-memory backends
      }
    default: // cpu, tensorflow: typed arrays in system memory
      return 12000;
  }
}

/**
 * A backend's activation memory per image relative to the IR estimate (calibrated on wasm). onednn frees
 * each gradient and saved tensor once backprop has passed it and recycles buffers: ResNet50's attention
 * MTL at 224×224, batch 64 in one pass, peaked at 11.7 GB resident (≈4.9 bytes per activation value
 * against wasm's ~17); 7 of 22 leaves ~40% for the step's peaks.
 */
const ACTIVATION_SHARE: Record<string, number> = { onednn: 7 / 22 };

/** The largest micro-batch of a graph with `memory` that fits `backend`, at least 1 and at most `maxBatch`. */
export function microBatchFor(memory: TrainingMemory, backend: string, maxBatch = Infinity): number {
  const perImage = memory.perImageMiB * (ACTIVATION_SHARE[backend] ?? 1);
  const fits = Math.floor((memoryBudgetMiB(backend) - memory.fixedMiB) / perImage);
  return Math.max(1, Math.min(fits, maxBatch));
}

/**
 * The largest micro-batch that fits `backend` when training the paper's graph on `opts.trunk` at
 * `inputSize`×`inputSize`, estimated from that graph's IR. On wasm ResNet50 at 224 gives 3, the
 * small trunk at 64 over 100. With a compiled graph at hand, use {@link autoMicroBatch}.
 */
export function chooseMicroBatch(inputSize: number, backend: string, opts: MicroBatchOptions = {}): number {
  return microBatchFor(referenceTrainingMemory(opts.trunk ?? "resnet50", inputSize), backend, opts.maxBatch);
}

/**
 * Chooses the micro-batch of a compiled graph on `backend` when the user gave none, from the
 * activations and parameters of its own IR.
 */
export function autoMicroBatch(
  backend: string,
): (ir: Pick<IR, "nodes" | "totalParams">, batchSize: number) => number {
  return (ir, batchSize) => microBatchFor(estimateTrainingMemory(ir), backend, batchSize);
}
