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
 * alive at a time; nothing but the returned gradients is left allocated.
 */
export function accumulateGradients(
  lossFn: (xs: tf.Tensor | tf.Tensor[], ys: tf.Tensor | tf.Tensor[]) => tf.Scalar,
  vars: tf.Variable[],
  microBatches: Iterable<MicroBatch>,
): AccumulatedGradients {
  const acc: tf.NamedTensorMap = {};
  let count = 0, lossSum = 0, passes = 0;
  try {
    for (const { xs, ys } of microBatches) {
      const n = sizeOf(xs);
      const { value, grads } = tf.variableGrads(() => lossFn(xs, ys), vars);
      lossSum += value.dataSync()[0] * n;
      value.dispose();
      passes++;
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
    if (passes === 1) return { grads: acc, loss: lossSum / count, count };
    for (const name of Object.keys(acc)) {
      const sum = acc[name];
      acc[name] = tf.div(sum, count);
      sum.dispose();
    }
    return { grads: acc, loss: lossSum / count, count };
  } catch (e) {
    tf.dispose(Object.values(acc));
    throw e;
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

/** Training memory of a trunk, measured on wasm (tfjs 4.22, two-branch attention MTL, one pass). */
const TRUNK_MEMORY = {
  /** ResNet50 at 224×224: ~600 MiB per image; weights, gradients, Adam slots, packed filters ~700 MiB. */
  resnet50: { perImageMiB: 600, at: 224, fixedMiB: 700 },
  /** The small residual trunk at 64×64: ~21 MiB per image, ~40 MiB fixed. */
  small: { perImageMiB: 21, at: 64, fixedMiB: 40 },
} as const;

/** Options for {@link chooseMicroBatch}. */
export interface MicroBatchOptions {
  /** The trunk the graph uses (default resnet50, the paper's). */
  trunk?: keyof typeof TRUNK_MEMORY;
  /** Never more than this (usually the optimizer batch). */
  maxBatch?: number;
}

/**
 * Memory budget (MiB) a backend gives tensors: wasm32's 4 GiB heap less headroom for fragmentation and
 * peaks; for the others an assumption, since tfjs cannot ask a GPU or the system for free memory.
 */
export function memoryBudgetMiB(backend: string): number {
  switch (backend) {
    case "wasm":
      return 3300;
    case "webgpu":
    case "tensorflow-gpu":
      return 6000;
    default: // cpu, tensorflow: typed arrays in system memory
      return 12000;
  }
}

/**
 * The largest micro-batch that fits `backend` when training at `inputSize`×`inputSize`: activation
 * memory grows with the pixel count. On wasm ResNet50 at 224 gives 3, the small trunk at 64 over 100.
 */
export function chooseMicroBatch(inputSize: number, backend: string, opts: MicroBatchOptions = {}): number {
  const m = TRUNK_MEMORY[opts.trunk ?? "resnet50"];
  const perImage = m.perImageMiB * (inputSize / m.at) ** 2 * 1.25; // 25% for the step's transient peaks
  const fits = Math.floor((memoryBudgetMiB(backend) - m.fixedMiB) / perImage);
  return Math.max(1, Math.min(fits, opts.maxBatch ?? Infinity));
}

/** Trunk kind for the micro-batch memory model: the small trunk or (conservatively) ResNet50. */
function trunkOf(ir: { nodes: { name: string }[] }): "small" | "resnet50" {
  const names = new Set(ir.nodes.map((n) => n.name));
  return names.has("stem_conv") && !names.has("conv1_conv") ? "small" : "resnet50";
}

/** Chooses the micro-batch of a compiled graph on `backend` when the user gave none. */
export function autoMicroBatch(backend: string) {
  return (ir: { input: number[]; nodes: { name: string }[] }, batchSize: number): number =>
    chooseMicroBatch(ir.input[0], backend, { trunk: trunkOf(ir), maxBatch: batchSize });
}
