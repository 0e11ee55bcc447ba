import { z } from "zod";
import { add, batchnorm, conv2d, maxpool, relu, use, zeropad } from "../src/dsl/mod.ts";
import type { LayerSpecInput } from "../src/schema/mod.ts";
import { fragment } from "./fragment.ts";

/**
 * ResNet50 with the layer names of Keras' `keras.applications.ResNet50` (include_top=False), so
 * weights converted from Keras load by name. Conv kernels default to he_normal, as in the paper.
 */

/** Stages of bottleneck blocks: [stage name, filters, blocks, stride of the first block]. */
const STAGES = [["conv2", 64, 3, 1], ["conv3", 128, 4, 2], ["conv4", 256, 6, 2], [
  "conv5",
  512,
  3,
  2,
]] as const;

/** Every block name in order: conv2_block1 … conv5_block3. */
export const RESNET50_BLOCKS: string[] = STAGES.flatMap(([stage, , blocks]) =>
  Array.from({ length: blocks }, (_, i) => `${stage}_block${i + 1}`)
);

const stem: LayerSpecInput[] = [
  zeropad("conv1_pad", { padding: 3 }),
  conv2d("conv1_conv", { filters: 64, kernel: 7, strides: 2 }),
  batchnorm("conv1_bn"),
  relu("conv1_relu"),
  zeropad("pool1_pad", { padding: 1 }),
  maxpool("pool1_pool", { pool: 3, strides: 2 }),
];

/**
 * One bottleneck block (Keras' `block1`): 1×1, 3×3, 1×1 convs and a shortcut, added, then relu.
 * `input` is the layer the block reads: `"@in"` for a lone block, the previous block's output
 * inside the trunk.
 */
function bottleneck(name: string, input = "@in"): LayerSpecInput[] {
  const [stage, index] = [name.slice(0, 5), Number(name.slice(11))];
  const [, filters, , firstStride] = STAGES.find(([s]) => s === stage)!;
  const strides = index === 1 ? firstStride : 1;
  const projected = index === 1; // the first block of a stage changes width, so its shortcut is a conv
  return [
    conv2d(`${name}_1_conv`, { filters, kernel: 1, strides, inputs: [input] }),
    batchnorm(`${name}_1_bn`),
    relu(`${name}_1_relu`),
    conv2d(`${name}_2_conv`, { filters, kernel: 3, padding: "same" }),
    batchnorm(`${name}_2_bn`),
    relu(`${name}_2_relu`),
    conv2d(`${name}_3_conv`, { filters: 4 * filters, kernel: 1 }),
    batchnorm(`${name}_3_bn`),
    ...(projected
      ? [
        conv2d(`${name}_0_conv`, { filters: 4 * filters, kernel: 1, strides, inputs: [input] }),
        batchnorm(`${name}_0_bn`),
      ]
      : []),
    add(`${name}_add`, [projected ? `${name}_0_bn` : input, `${name}_3_bn`]),
    relu(`${name}_out`),
  ];
}

const blockName = z.string().refine((b) => RESNET50_BLOCKS.includes(b), {
  message: `expected a ResNet50 block: ${RESNET50_BLOCKS[0]} … ${RESNET50_BLOCKS.at(-1)}`,
});

/** `{ use: "resnet50", upTo?: "conv5_block2" | "conv5_block2_out" }`: stem and blocks up to one. */
export const resnet50Trunk = fragment({
  describe: "ResNet50 (Keras names) from the input up to a block's output",
  args: z.strictObject({
    upTo: z.string().transform((s) => s.replace(/_out$/, "")).pipe(blockName).default("conv5_block3"),
  }),
  expand: ({ upTo }) => [
    ...stem,
    ...RESNET50_BLOCKS.slice(0, RESNET50_BLOCKS.indexOf(upTo) + 1).flatMap((block, i, blocks) =>
      bottleneck(block, i === 0 ? "pool1_pool" : `${blocks[i - 1]}_out`)
    ),
  ],
});

/** `{ use: "resnet50.block", block: "conv5_block3" }`: one block, e.g. a branch's own copy. */
export const resnet50Block = fragment({
  describe: "one ResNet50 bottleneck block (Keras names)",
  args: z.strictObject({ block: blockName }),
  expand: ({ block }) => bottleneck(block),
});

/**
 * DSL shorthands for graph files.
 *
 * @example
 * ```ts
 * trunk: [resnet50.upTo("conv5_block2")],
 * branch: [resnet50.block("conv5_block3"), "gap"],
 * ```
 */
export const resnet50 = {
  upTo: (block: string) => use("resnet50", { upTo: block }),
  block: (block: string) => use("resnet50.block", { block }),
  full: () => use("resnet50"),
};
