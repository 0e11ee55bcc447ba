import { z } from "zod";

/**
 * A dependency edge `heads.S.dependsOn.G`: how head S uses head G.
 *
 * - `attention` (default): the paper's task attention (eq. 3–6, 9–12). S's FC units are re-weighted
 *   by one attention module per unit of G's context. `weights` picks the parameter form:
 *   `"module"` (paper: one (wS, wG) pair per module, 2·K' params), `"shared"` (one pair for all),
 *   `"perPair"` (K'×K pairs); `bias` adds a bias inside the tanh.
 * - `concat`: Ludwig-style, G's context vector is concatenated to S's representation.
 *
 * `context` says which of G's vectors is used: `"fc"` (G's FC output, before G's own attention;
 * mutual edges then form no cycle) or `"attended"` (G's combined representation; the compiler
 * rejects cycles).
 */
export const AttentionEdge = z.strictObject({
  kind: z.literal("attention"),
  weights: z.enum(["module", "shared", "perPair"]).default("module"),
  bias: z.boolean().default(false),
  context: z.enum(["fc", "attended"]).default("fc"),
});

export const ConcatEdge = z.strictObject({
  kind: z.literal("concat"),
  context: z.enum(["fc", "attended"]).default("fc"),
});

export const EdgeSpec = z.discriminatedUnion("kind", [AttentionEdge, ConcatEdge]);
export type EdgeSpec = z.infer<typeof EdgeSpec>;
export type EdgeSpecInput = z.input<typeof EdgeSpec>;
