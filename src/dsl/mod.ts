/**
 * The graph DSL: typed builders that return plain GraphSpec data. No tfjs here.
 *
 * @example
 * ```ts
 * import { attention, withEdges } from "../src/dsl/mod.ts";
 * import tmtl from "./tmtl.ts";
 * export default withEdges(tmtl, "attention_mtl", {
 *   smile: { dependsOn: { gender: attention() } },
 *   gender: { dependsOn: { smile: attention() } },
 * });
 * ```
 * @module
 */
export * from "./graph.ts";
export * from "./layers.ts";
