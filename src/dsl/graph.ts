import type {
  EdgeSpecInput,
  FragmentRef,
  GraphSpecInput,
  HeadSpecInput,
  LayerEntry,
  TrainingSpecInput,
} from "../schema/mod.ts";

/**
 * Graph builders. They return plain, JSON-serializable data (a `GraphSpecInput`); the schema,
 * not these functions, decides what is valid. Their types add one thing the schema cannot:
 * `dependsOn` keys must name another head of the same graph, so `dependsOn: { gendr: … }` fails
 * `deno check`.
 */

/** An attention edge (the paper's form unless options say otherwise). */
export function attention(
  o: Omit<Extract<EdgeSpecInput, { kind: "attention" }>, "kind"> = {},
): EdgeSpecInput {
  return { kind: "attention", ...o };
}

/** A concat edge: the dependency's context vector is concatenated to this head's representation. */
export function concat(o: Omit<Extract<EdgeSpecInput, { kind: "concat" }>, "kind"> = {}): EdgeSpecInput {
  return { kind: "concat", ...o };
}

/** A reference to a stdlib fragment, expanded by the compiler's resolve pass. */
export function use(fragment: string, args: Record<string, unknown> = {}): FragmentRef {
  return { use: fragment, ...args };
}

/** A head; `dependsOn` keys are kept as literal types so `graph()` can check them. */
export function head<const H extends HeadSpecInput>(h: H): H {
  return h;
}

/** Replaces each head's `dependsOn` keys that are not other heads by an error message type. */
export type CheckedHeads<H> = {
  [K in keyof H]: H[K] extends { dependsOn: infer D } ? Omit<H[K], "dependsOn"> & {
      dependsOn: {
        [E in keyof D]: E extends Exclude<keyof H, K> ? D[E]
          : E extends K ? `a head cannot depend on itself`
          : `unknown head "${E & string}"`;
      };
    }
    : H[K];
};

/** A graph definition with head names known to the type checker. */
export type Graph<Names extends string = string> = GraphSpecInput & {
  heads: Record<Names, HeadSpecInput>;
};

/**
 * Defines a graph.
 *
 * @example
 * ```ts
 * export default graph({
 *   name: "tiny",
 *   input: [64, 64, 3],
 *   trunk: [use("small_trunk")],
 *   heads: {
 *     smile: head({ attribute: "Smiling", fc: 64, classes: ["no", "yes"], branch: ["gap"] }),
 *     gender: head({ attribute: "Male", fc: 64, classes: ["female", "male"], branch: ["gap"] }),
 *   },
 * });
 * ```
 */
export function graph<const H extends Record<string, HeadSpecInput>>(
  g: Omit<GraphSpecInput, "heads" | "trunk" | "training"> & {
    trunk: LayerEntry[];
    heads: H & CheckedHeads<H>;
    training?: TrainingSpecInput;
  },
): Graph<keyof H & string> {
  return g as Graph<keyof H & string>;
}

/** New edges per head: keys are this graph's heads, each edge's key another of its heads. */
export type EdgesFor<Names extends string> = {
  [K in Names]?: { dependsOn: { [D in Exclude<Names, K>]?: EdgeSpecInput } };
};

/**
 * A copy of `base` under a new name with extra `dependsOn` edges; `base` is not changed.
 * This is how "attention MTL = TMTL plus two edges" is written.
 */
export function withEdges<Names extends string>(
  base: Graph<Names>,
  name: string,
  edges: EdgesFor<Names>,
): Graph<Names> {
  const heads = structuredClone(base.heads) as Record<string, HeadSpecInput>;
  for (
    const [head, extra] of Object.entries(edges) as [string, { dependsOn: Record<string, EdgeSpecInput> }][]
  ) {
    // An unknown head stays in the result so the compiler reports it with its path; head names are
    // data, so they are read and written as own keys (`__proto__` must reach the compiler, not the
    // prototype).
    const current = Object.hasOwn(heads, head) ? heads[head] : undefined;
    Object.defineProperty(heads, head, {
      value: { ...current, dependsOn: { ...current?.dependsOn, ...extra?.dependsOn } } as HeadSpecInput,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { ...structuredClone(base), name, heads };
}
