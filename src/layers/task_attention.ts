/**
 * The task-attention edge (paper eq. 3–6 and 9–12) as one vectorized tfjs layer.
 *
 * For a head S that depends on head G, with x = FC_S(X) of shape [B, K] and the context
 * c = FC_G(X) of shape [B, K'] (G's representation *before* its own attention):
 *
 * ```
 * score[b,i,j] = tanh(wS_i * x[b,j] + wG_i * c[b,i] (+ bias_i))   i = 1..K', j = 1..K
 * p[b,i,:]     = softmax_j(score[b,i,:])
 * out[b,i]     = Σ_j p[b,i,j] * x[b,j]                              → [B, K']
 * ```
 *
 * All K' attention modules are computed at once on a [B, K', K] tensor, so an edge costs
 * O(B·K'·K) in one layer instead of K' small layers.
 *
 * Beyond the paper, `temperature: "learned"` multiplies each module's bounded scores by a learned
 * β_i = exp(logBeta_i) before the softmax (β = 1 at the start: the paper's form), so a module can
 * sharpen past what tanh allows.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  type Initializer,
  type InitializerLike,
  resolveInitializer,
  serializeInitializer,
} from "./initializers.ts";
import {
  TASK_ATTENTION_TEMPERATURES,
  TASK_ATTENTION_WEIGHTS,
  taskAttentionParamCount,
  type TaskAttentionTemperature,
  type TaskAttentionWeights,
} from "../ops/attention_params.ts";

export {
  TASK_ATTENTION_TEMPERATURES,
  TASK_ATTENTION_WEIGHTS,
  taskAttentionParamCount,
  type TaskAttentionTemperature,
  type TaskAttentionWeights,
};

import { type ConfigDict, type LayerArgs, LayerBase, type Tensor, type TfShape } from "./tf_types.ts";

/**
 * Configuration of {@linkcode TaskAttention}; `name`, `trainable` and `dtype` are the usual layer fields.
 *
 * @example
 * ```ts
 * const cfg: TaskAttentionConfig = { name: "smile/att_gender", weights: "module", bias: false };
 * ```
 */
export interface TaskAttentionConfig extends Omit<LayerArgs, "weights"> {
  /** Weight sharing; default `"module"` (the paper's form). */
  weights?: TaskAttentionWeights;
  /**
   * Adds bias_i inside the tanh. Shape [K'] for `"module"` and `"perPair"` (one per attention module),
   * [1] for `"shared"` (keeps "one set of scalars for all modules"). Default false (paper eq. 3).
   */
  bias?: boolean;
  /**
   * `"learned"` (not the paper's form): p = softmax_j(β_i·tanh(score)), β_i = exp(logBeta_i), logBeta
   * of shape [K'] ([1] for `"shared"`), initially 0. Default `"fixed"` (β = 1, paper eq. 4).
   */
  temperature?: TaskAttentionTemperature;
  /** Initializer of wS and wG; default he_normal (`"heNormal"`), fans as tfjs computes them for the shapes above. */
  kernelInitializer?: InitializerLike;
  /** Initializer of the bias; default `"zeros"` (as Keras does for biases). */
  biasInitializer?: InitializerLike;
}

/**
 * One task-attention edge as a tfjs layer. Inputs `[x, c]` (both 2-D: [B, K] and [B, K']), output [B, K'].
 * Weights are named `wS`, `wG` and (with `bias`) `bias`, so a layer named `smile/att_gender` holds
 * `smile/att_gender/wS`, … .
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * const x = tf.input({ shape: [64] }), c = tf.input({ shape: [64] });
 * const att = new TaskAttention({ name: "smile/att_gender" });
 * const attended = att.apply([x, c]) as tf.SymbolicTensor; // [null, 64], 128 parameters
 * ```
 */
export class TaskAttention extends LayerBase {
  /** The name tfjs serialization stores (`class_name` in model.json). */
  static className = "TaskAttention";
  /**
   * Shared by every copy of this module (Symbol.for), so registration can tell "another copy of this
   * same layer" from "a foreign class that took the name".
   */
  static readonly brand: symbol = Symbol.for("face-mtl.layers.TaskAttention");

  /** How the attention weights are shared (the config's `weights`). */
  readonly mode: TaskAttentionWeights;
  /** Whether a bias is added inside the tanh. */
  readonly useBias: boolean;
  /** Whether the softmax has a learned inverse temperature (the config's `temperature`). */
  readonly temperature: TaskAttentionTemperature;
  /** Initializer of wS and wG. */
  readonly kernelInitializer: Initializer;
  /** Initializer of the bias. */
  readonly biasInitializer: Initializer;
  private wS: tf.LayerVariable | null = null;
  private wG: tf.LayerVariable | null = null;
  private b: tf.LayerVariable | null = null;
  private logBeta: tf.LayerVariable | null = null;
  private k = -1;
  private kPrime = -1;

  /** A layer with the given sharing mode, bias and initializers; throws on an unknown mode. */
  constructor(config: TaskAttentionConfig = {}) {
    // `weights` means "initial weight values" to tf.layers.Layer; ours is the sharing mode, so it must
    // not reach super(). The initializer/bias fields are ours too.
    const { weights, bias, temperature, kernelInitializer, biasInitializer, ...layerArgs } = config;
    super(layerArgs);
    const mode = weights ?? "module";
    if (!TASK_ATTENTION_WEIGHTS.includes(mode)) {
      throw new Error(
        `${this.where()}: weights must be one of ${TASK_ATTENTION_WEIGHTS.join(", ")}, got ${
          JSON.stringify(mode)
        }`,
      );
    }
    if (bias != null && typeof bias !== "boolean") {
      throw new Error(`${this.where()}: bias must be a boolean, got ${JSON.stringify(bias)}`);
    }
    if (temperature != null && !TASK_ATTENTION_TEMPERATURES.includes(temperature)) {
      throw new Error(
        `${this.where()}: temperature must be one of ${TASK_ATTENTION_TEMPERATURES.join(", ")}, got ${
          JSON.stringify(temperature)
        }`,
      );
    }
    this.mode = mode;
    this.useBias = bias ?? false;
    this.temperature = temperature ?? "fixed";
    this.kernelInitializer = resolveInitializer(kernelInitializer ?? "heNormal", this.where());
    this.biasInitializer = resolveInitializer(biasInitializer ?? "zeros", this.where());
  }

  /** How errors name this layer. */
  private where(): string {
    return `TaskAttention "${this.name}"`;
  }

  /** Checks the two input shapes and returns [K, K'], throwing a readable error otherwise. */
  private checkShapes(inputShape: tf.Shape | tf.Shape[]): [number, number] {
    const shapes = inputShape as tf.Shape[];
    if (!Array.isArray(shapes[0]) || shapes.length !== 2) {
      throw new Error(`${this.where()}: expects two inputs [x, c], got shape ${JSON.stringify(inputShape)}`);
    }
    const [xs, cs] = shapes;
    for (const [label, s] of [["x = FC_S(X)", xs], ["c = FC_G(X)", cs]] as const) {
      if (s.length !== 2) {
        throw new Error(
          `${this.where()}: input ${label} must be 2-D [batch, units], got shape ${JSON.stringify(s)}`,
        );
      }
      if (s[1] == null || s[1] < 1) {
        throw new Error(`${this.where()}: input ${label} needs a known unit count, got ${JSON.stringify(s)}`);
      }
    }
    if (xs[0] != null && cs[0] != null && xs[0] !== cs[0]) {
      throw new Error(`${this.where()}: x and c batch sizes differ: ${JSON.stringify(shapes)}`);
    }
    const k = xs[1] as number, kPrime = cs[1] as number;
    if (this.k > 0 && (k !== this.k || kPrime !== this.kPrime)) {
      throw new Error(
        `${this.where()}: built for K=${this.k}, K'=${this.kPrime}; got K=${k}, K'=${kPrime}`,
      );
    }
    return [k, kPrime];
  }

  /** @ignore Creates the weights once the input sizes are known (tfjs calls it). */
  override build(inputShape: TfShape | TfShape[]): void {
    const [k, kPrime] = this.checkShapes(inputShape);
    const pair = this.mode === "shared" ? [1] : this.mode === "module" ? [kPrime] : [kPrime, k];
    // getInitializerFunc = zeros: under fastWeightInit (tf.loadLayersModel) the stored values overwrite them.
    const add = (name: string, shape: number[], init: Initializer) =>
      this.addWeight(name, shape, "float32", init, undefined, true, undefined, () => tf.initializers.zeros());
    this.wS = add("wS", pair, this.kernelInitializer);
    this.wG = add("wG", pair, this.kernelInitializer);
    const perModule = this.mode === "shared" ? [1] : [kPrime];
    if (this.useBias) this.b = add("bias", perModule, this.biasInitializer);
    if (this.temperature === "learned") this.logBeta = add("logBeta", perModule, tf.initializers.zeros());
    this.k = k;
    this.kPrime = kPrime;
    this.built = true;
  }

  /** @ignore [B, K'] for inputs [B, K] and [B, K'] (tfjs calls it). */
  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    const [, kPrime] = this.checkShapes(inputShape);
    const shapes = inputShape as tf.Shape[];
    return [shapes[0][0] ?? shapes[1][0], kPrime];
  }

  /** @ignore The forward pass (tfjs calls it). */
  override call(inputs: Tensor | Tensor[], _kwargs: Record<string, unknown>): Tensor {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      this.checkShapes(list.map((t) => t.shape));
      const [x, c] = list as [tf.Tensor2D, tf.Tensor2D];
      const [batch, k] = x.shape, kPrime = c.shape[1];
      const bounded = tf.tanh(this.scores(x, c, batch, k, kPrime)); // [B, K', K]
      const e = this.logBeta ? this.sharpened(bounded) : tf.exp(bounded);
      // softmax_j then Σ_j p·x as two batched matMuls: Σ_j e·x / Σ_j e. In the paper's form no
      // max-subtraction is needed because tanh bounds the scores to [-1, 1], so e ∈ [1/e, e]. On the cpu
      // backend this is several times faster than tf.softmax plus broadcast products (same result to
      // float32 rounding).
      const num = tf.matMul(e, x.reshape([batch, k, 1]));
      const den = tf.matMul(e, tf.ones([batch, k, 1]));
      return tf.div(num, den).reshape([batch, kPrime]);
    });
  }

  /**
   * exp(β_i·t − max_j β_i·t) for the learned temperature: β is unbounded, so the row maximum is taken
   * out before exp (it cancels in Σ_j e·x / Σ_j e).
   */
  private sharpened(bounded: tf.Tensor3D): tf.Tensor3D {
    const beta = tf.exp(this.logBeta!.read()).reshape([1, -1, 1]) as tf.Tensor3D;
    return expScaledShifted(bounded, beta);
  }

  /** score[b,i,j] before the tanh, shape [B, K', K]; rows i are modules (context unit c_i), columns j units of x. */
  private scores(x: tf.Tensor2D, c: tf.Tensor2D, batch: number, k: number, kPrime: number): tf.Tensor3D {
    const wS = this.wS!.read(), wG = this.wG!.read();
    const bias = this.b?.read();
    if (this.mode === "perPair") {
      const ctx = tf.mul(wG.expandDims(0), c.reshape([batch, kPrime, 1])); // wG_ij·c_i
      const pre = tf.add(tf.mul(wS.expandDims(0), x.reshape([batch, 1, k])), ctx);
      return (bias ? tf.add(pre, bias.reshape([1, kPrime, 1])) : pre) as tf.Tensor3D;
    }
    // module/shared: wS_i·x_j + g_i is the inner product [wS_i, g_i]·[x_j, 1], so one batched matMul of
    // [B, K', 2] by [B, 2, K] builds all scores without [B, K', K]-sized broadcast arithmetic.
    // (wS is spread over [B, K'] by a product with ones: tf.broadcastTo/tile gradients are ~100× slower.)
    const rowShape = [1, this.mode === "shared" ? 1 : kPrime];
    let g = tf.mul(wG.reshape(rowShape), c); // [B, K']
    if (bias) g = tf.add(g, bias.reshape(rowShape));
    const left = tf.stack([tf.mul(wS.reshape(rowShape), tf.onesLike(c)), g], 2);
    const right = tf.stack([x, tf.onesLike(x)], 1);
    return tf.matMul(left, right) as tf.Tensor3D;
  }

  /** @ignore The serialized configuration (tfjs calls it when saving). */
  override getConfig(): ConfigDict {
    return {
      weights: this.mode,
      bias: this.useBias,
      // Written only when learned, so the paper's layers serialize as before.
      ...(this.temperature === "learned" ? { temperature: this.temperature } : {}),
      kernelInitializer: serializeInitializer(this.kernelInitializer),
      biasInitializer: serializeInitializer(this.biasInitializer),
      ...super.getConfig(),
    };
  }
}

/**
 * Factory in the style of `tf.layers.dense`.
 *
 * @example
 * ```ts
 * const att = taskAttention({ name: "gender/att_smile", weights: "shared", bias: true });
 * ```
 */
export function taskAttention(config: TaskAttentionConfig = {}): TaskAttention {
  return new TaskAttention(config);
}

/**
 * Registers {@linkcode TaskAttention} for tfjs serialization so `tf.loadLayersModel` can rebuild it.
 * Safe to call any number of times: a second call is a no-op, and so is a call from a second copy of
 * this module (the first registered copy stays; both compute the same thing). Throws only if a foreign
 * class already owns the name "TaskAttention", since models would then silently load the wrong layer.
 * Importing this module calls it once.
 *
 * @example
 * ```ts
 * registerTaskAttention();
 * registerTaskAttention(); // no-op
 * ```
 */
export function registerTaskAttention(): void {
  // tfjs 4.22 overwrites silently on re-registration; other versions warn or throw. Check first.
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  const existing = map[TaskAttention.className]?.[0] as { brand?: unknown } | undefined;
  if (existing === TaskAttention || (existing && existing.brand === TaskAttention.brand)) return;
  if (existing) {
    throw new Error(
      `tfjs serialization already has a different class named "${TaskAttention.className}"; ` +
        `refusing to replace it (models saved with either would load as the wrong layer)`,
    );
  }
  tf.serialization.registerClass(TaskAttention);
}

registerTaskAttention();

/**
 * exp(β·t − max_j β·t) along the last axis (t [B, K', K], β [1, K', 1]), with the max held constant in
 * the gradient. Exact for a caller that normalises each row (Σ_j e·x / Σ_j e does not change with the
 * shift), and it spares the max's own gradient (a mask over the whole tensor) and the broadcast
 * product's reduction over axes 0 and 2 at once: together a fifth of a small-graph step on onednn.
 */
const expScaledShifted = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  // tfjs types a custom gradient's arguments as one union list: the inputs, then the save function.
  const [t, beta, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
  const y = tf.tidy(() => {
    const z = tf.mul(t, beta);
    return tf.exp(tf.sub(z, tf.max(z, -1, true)));
  });
  save([t, beta, y]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, [tSaved, betaSaved, ySaved]: tf.Tensor[]) => {
      const dz = tf.mul(dy, ySaved); // d exp(z − m) / dz with m constant
      // dβ: the contiguous last axis first, then the batch, then the modules where β is shared.
      const perModule = tf.sum(tf.sum(tf.mul(dz, tSaved), -1, true), 0, true);
      const dBeta = betaSaved.shape[1] === 1 ? tf.sum(perModule, 1, true) : perModule;
      return [tf.mul(dz, betaSaved), dBeta];
    },
  };
}) as (t: tf.Tensor3D, beta: tf.Tensor3D) => tf.Tensor3D;
