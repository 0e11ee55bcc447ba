/**
 * zod's type helpers under local names, for types in the public API.
 *
 * deno 2.9's `deno doc --lint` reports every type from an npm package that a public signature
 * mentions as "private" (fixed upstream in denoland/deno#34339). The aliases below are marked
 * `@ignore`, so the docs show the local name and the lint passes; the types are zod's own.
 *
 * @module
 */
import type { z } from "zod";

/** @ignore What a zod schema returns. */
export type Output<T extends z.ZodType> = z.output<T>;

/** @ignore What a zod schema accepts. */
export type Input<T extends z.ZodType> = z.input<T>;

/** @ignore A zod schema. */
export type Schema = z.ZodType;

/** @ignore One problem zod found. */
export type Issue = z.core.$ZodIssue;

/** @ignore A zod schema that returns `O` for input `I`. */
export type SchemaOf<O, I> = z.ZodType<O, I>;

/** @ignore A zod string schema. */
export type StringSchema = z.ZodString;
