import { head } from "../src/dsl/mod.ts";
import type { HeadSpecInput, LayerEntry } from "../src/schema/mod.ts";

/**
 * A binary attribute head as the paper builds them: the head's branch, global average pooling,
 * a 64-unit FC layer and a two-class softmax. Class 0 is the attribute's -1 value.
 *
 * @example
 * ```ts
 * smile: attributeHead("Smiling", ["non-smile", "smile"], { branch: [resnet50.block("conv5_block3")] }),
 * ```
 */
export function attributeHead<const C extends readonly [string, string]>(
  attribute: string,
  classes: C,
  o: { branch?: LayerEntry[]; fc?: number; lossWeight?: number } = {},
): HeadSpecInput {
  return head({
    attribute,
    classes: [...classes],
    branch: [...(o.branch ?? []), "gap"],
    fc: o.fc ?? 64,
    ...(o.lossWeight === undefined ? {} : { lossWeight: o.lossWeight }),
  });
}
