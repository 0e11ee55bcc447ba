import { z } from "zod";
import { add, batchnorm, conv2d, relu, use } from "../src/dsl/mod.ts";
import { LayerName, type LayerSpecInput } from "../src/schema/mod.ts";
import { fragment } from "./fragment.ts";

/**
 * A small residual trunk sized for CPU training at 64×64: a 3×3 stem, then one basic residual
 * block per stage, each halving the resolution. With the default widths it costs about
 * 1/100 of ResNet50's FLOPs per image at 64×64. Batch-norm uses momentum 0.9 (Keras: 0.99): CPU-sized
 * runs take a few hundred steps, and with 0.99 the moving statistics that evaluation uses would still
 * be far from the data's after them.
 */
const bn = (name: string) => batchnorm(name, { momentum: 0.9 });

/** A basic residual block (two 3×3 convs), with a 1×1 projection when shape changes. */
export function basicBlock(name: string, filters: number, strides: number, input = "@in"): LayerSpecInput[] {
  const projected = strides !== 1;
  return [
    conv2d(`${name}_1_conv`, {
      filters,
      kernel: 3,
      strides,
      padding: "same",
      useBias: false,
      inputs: [input],
    }),
    bn(`${name}_1_bn`),
    relu(`${name}_1_relu`),
    conv2d(`${name}_2_conv`, { filters, kernel: 3, padding: "same", useBias: false }),
    bn(`${name}_2_bn`),
    ...(projected
      ? [
        conv2d(`${name}_0_conv`, { filters, kernel: 1, strides, useBias: false, inputs: [input] }),
        bn(`${name}_0_bn`),
      ]
      : []),
    add(`${name}_add`, [projected ? `${name}_0_bn` : input, `${name}_2_bn`]),
    relu(`${name}_out`),
  ];
}

const widths = z.array(z.number().int().positive()).min(1);

/** `{ use: "small_trunk", widths?: [32, 64, 128] }`: stem + one stride-2 block per width. */
export const smallTrunk = fragment({
  describe: "small residual trunk for CPU-sized runs (stem + one stride-2 block per width)",
  args: z.strictObject({ widths: widths.default([32, 64, 128]) }),
  expand: ({ widths }) => [
    conv2d("stem_conv", { filters: widths[0], kernel: 3, padding: "same", useBias: false }),
    bn("stem_bn"),
    relu("stem_relu"),
    ...widths.flatMap((w, i) => basicBlock(`stage${i + 1}`, w, 2, i === 0 ? "stem_relu" : `stage${i}_out`)),
  ],
});

/** `{ use: "small_trunk.block", name, filters, strides? }`: one basic block, e.g. for a branch. */
export const smallBlock = fragment({
  describe: "one basic residual block of the small trunk",
  args: z.strictObject({
    name: LayerName,
    filters: z.number().int().positive(),
    strides: z.number().int().positive().default(1),
  }),
  expand: ({ name, filters, strides }) => basicBlock(name, filters, strides),
});

/** DSL shorthands. */
export const small = {
  trunk: (widths?: number[]) => use("small_trunk", widths ? { widths } : {}),
  block: (name: string, filters: number, strides = 1) => use("small_trunk.block", { name, filters, strides }),
};
