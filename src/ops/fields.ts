/**
 * Attribute fields several ops share, spelled once.
 *
 * @module
 */
import { z } from "zod";

const positiveInt = z.number().int().positive();

/** A positive whole number or a pair [height, width] (kernel sizes, strides, paddings). */
export const pairField: z.ZodUnion<readonly [z.ZodNumber, z.ZodTuple<[z.ZodNumber, z.ZodNumber], null>]> = z
  .union([positiveInt, z.tuple([positiveInt, positiveInt])], {
    error: "expected a positive whole number or a pair [height, width]",
  });

/** Keras' padding modes. */
export const paddingField: z.ZodEnum<{ same: "same"; valid: "valid" }> = z.enum(["same", "valid"]);

/** Weight initializers a graph may name (Keras spelling). */
export const initField: z.ZodEnum<{ he_normal: "he_normal"; glorot_uniform: "glorot_uniform" }> = z.enum([
  "he_normal",
  "glorot_uniform",
]);
