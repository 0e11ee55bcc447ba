// The parameter forms of a task-attention edge, without tfjs: the compiler's shape inference counts
// parameters with the same function the layer is tested against.

/**
 * How the attention weights are shared:
 * - `"module"` (the paper's form, default): one scalar pair (wS_i, wG_i) per attention module;
 *   wS, wG have shape [K'] → 2·K' parameters.
 * - `"shared"`: one scalar pair for all modules; wS, wG have shape [1] → 2 parameters.
 * - `"perPair"`: a pair per (module, unit); wS, wG have shape [K', K] and
 *   score = tanh(wS_ij·x_j + wG_ij·c_i) → 2·K'·K parameters.
 */
export type TaskAttentionWeights = (typeof TASK_ATTENTION_WEIGHTS)[number];

/**
 * The weight-sharing modes, in the order they are documented: the one spelling of this enum (the
 * graph schema and the layer both read it).
 */
export const TASK_ATTENTION_WEIGHTS = ["module", "shared", "perPair"] as const;

/**
 * The softmax's temperature: `"fixed"` (the paper's: softmax of the tanh-bounded scores, so a
 * module can never be sharper than e²:1 between two units) or `"learned"` (beyond the paper: a
 * learned inverse temperature β_i = exp(logBeta_i) per module, p = softmax_j(β_i·tanh(score)),
 * starting at β = 1, the paper's form; one scalar for `"shared"`, else K').
 */
export const TASK_ATTENTION_TEMPERATURES = ["fixed", "learned"] as const;
/** One of {@link TASK_ATTENTION_TEMPERATURES}. */
export type TaskAttentionTemperature = (typeof TASK_ATTENTION_TEMPERATURES)[number];

/**
 * Number of parameters one edge adds: 2·K' (module), 2 (shared) or 2·K'·K (perPair), plus the bias
 * (K', 1 or K') when `bias` is set, plus the learned temperature (K', 1 or K') when `temperature`
 * is `"learned"`. The paper's graphs (K = K' = 64, defaults) give 128; with a learned temperature 192.
 *
 * @example
 * ```ts
 * taskAttentionParamCount({ k: 64, kPrime: 64 }); // 128
 * ```
 */
export function taskAttentionParamCount(
  o: {
    k: number;
    kPrime: number;
    weights?: TaskAttentionWeights;
    bias?: boolean;
    temperature?: TaskAttentionTemperature;
  },
): number {
  const mode = o.weights ?? "module";
  const pair = mode === "shared" ? 1 : mode === "module" ? o.kPrime : o.kPrime * o.k;
  const perModule = mode === "shared" ? 1 : o.kPrime;
  const bias = o.bias ? perModule : 0;
  const temperature = o.temperature === "learned" ? perModule : 0;
  return 2 * pair + bias + temperature;
}
