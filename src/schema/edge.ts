import { z } from "zod";
import type { Input, Output } from "./zod_types.ts";
import { attention, contextField } from "../ops/mod.ts";

const attentionEdge = z.strictObject({ kind: z.literal("attention"), ...attention.attrs });

/** @ignore The zod type of {@linkcode AttentionEdge}. */
export type AttentionEdgeSchema = typeof attentionEdge;

/**
 * A dependency edge `heads.S.dependsOn.G`: how head S uses head G.
 *
 * - `attention` (default): the paper's task attention (eq. 3–6, 9–12). S's FC units are re-weighted
 *   by one attention module per unit of G's context. `weights` picks the parameter form:
 *   `"module"` (paper: one (wS, wG) pair per module, 2·K' params), `"shared"` (one pair for all),
 *   `"perPair"` (K'×K pairs); `bias` adds a bias inside the tanh; `temperature: "learned"` (beyond
 *   the paper) learns an inverse temperature per module that scales the bounded scores before the
 *   softmax. These fields are the attributes of the IR's `attention` op (src/ops/attention.ts),
 *   spelled there once.
 * - `concat`: Ludwig-style, G's context vector is concatenated to S's representation.
 *
 * `context` says which of G's vectors is used: `"fc"` (G's FC output, before G's own attention;
 * mutual edges then form no cycle) or `"attended"` (G's combined representation; the compiler
 * rejects cycles).
 */
export const AttentionEdge: AttentionEdgeSchema = attentionEdge;

const concatEdge = z.strictObject({
  kind: z.literal("concat"),
  context: contextField.default("fc"),
});

/** @ignore The zod type of {@linkcode ConcatEdge}. */
export type ConcatEdgeSchema = typeof concatEdge;

/** A concat edge: the dependency's context vector is concatenated to this head's representation. */
export const ConcatEdge: ConcatEdgeSchema = concatEdge;

const edgeSpec = z.discriminatedUnion("kind", [AttentionEdge, ConcatEdge]);

/** @ignore The zod type of {@linkcode EdgeSpec}. */
export type EdgeSpecSchema = typeof edgeSpec;

/** Either kind of edge, told apart by `kind`. */
export const EdgeSpec: EdgeSpecSchema = edgeSpec;
/** An edge as the schema returns it (defaults filled in). */
export type EdgeSpec = Output<EdgeSpecSchema>;
/** An edge as a graph may write it. */
export type EdgeSpecInput = Input<EdgeSpecSchema>;
