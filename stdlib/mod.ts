/**
 * The stdlib: graph fragments written in the DSL, looked up by name by the compiler's resolve pass.
 * @module
 */
import type { Fragment } from "./fragment.ts";
import { resnet50Block, resnet50Trunk } from "./resnet50.ts";
import { smallBlock, smallTrunk } from "./small_trunk.ts";

export { resnet50, RESNET50_BLOCKS } from "./resnet50.ts";
export { small } from "./small_trunk.ts";
export { attributeHead } from "./heads.ts";
export type { Fragment } from "./fragment.ts";

/** Fragments by the name a graph's `use` gives (a Map: `use` is the user's text). */
export const FRAGMENTS: ReadonlyMap<string, Fragment> = new Map([
  ["resnet50", resnet50Trunk],
  ["resnet50.block", resnet50Block],
  ["small_trunk", smallTrunk],
  ["small_trunk.block", smallBlock],
]);
