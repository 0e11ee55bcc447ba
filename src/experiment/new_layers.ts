/**
 * Which layers of graph B are new to it, compared with graph A it is warm-started from: the layers
 * `--warmup-new N` trains alone for B's first N epochs.
 *
 * A layer is new when A has no layer of that name, or when A's layer of that name computes something
 * else (another op or attributes) or reads other inputs. The second case matters: the attention MTL's
 * classifier `smile/out` has the same name and weight shapes as TMTL's, so the warm start fills it,
 * but it now reads the attended vector instead of the FC units it was trained on.
 *
 * @module
 */
import type { IR, IRNode } from "../compiler/mod.ts";

/** What a layer computes and reads, for comparing two graphs' layers of one name. */
const signature = (n: IRNode) => JSON.stringify([n.op, n.attrs, n.inputs, n.shape]);

/**
 * The names of B's layers with parameters that are new to B relative to A, in B's order.
 *
 * @example
 * ```ts
 * newLayers(tmtl, attentionMtl); // ["smile/att_gender", "smile/out", "gender/att_smile", "gender/out"]
 * ```
 */
export function newLayers(a: IR, b: IR): string[] {
  const inA = new Map(a.nodes.map((n) => [n.name, signature(n)]));
  return b.nodes.filter((n) => n.params > 0 && inA.get(n.name) !== signature(n)).map((n) => n.name);
}
