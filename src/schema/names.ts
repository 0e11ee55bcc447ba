/**
 * The names users choose (graph, heads, layers) are data: they must never reach a JavaScript object's
 * own machinery. tfjs keeps layers in plain objects keyed by name (a model with a layer named
 * `toString` cannot be reloaded), so names that objects already carry are refused here, once, with
 * one line; everything past the schema looks names up in Maps or with `Object.hasOwn`.
 *
 * @module
 */
import { z } from "zod";
import type { StringSchema } from "./zod_types.ts";

/** Names every JavaScript object already answers to: `constructor`, `toString`, `__proto__`, … */
const RESERVED: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** True for a name that plain objects already carry (`constructor`, `valueOf`, `__proto__`, …). */
export function isReservedName(name: string): boolean {
  return RESERVED.has(name);
}

/** The one-line complaint about a reserved name. */
export function reservedNameMessage(name: string): string {
  return `"${name}" is reserved: every JavaScript object already has a member by that name; choose another name`;
}

function named(pattern: RegExp, rule: string): StringSchema {
  return z.string().regex(pattern, rule).refine((n) => !isReservedName(n), {
    error: (issue) => reservedNameMessage(String(issue.input)),
  }) as unknown as StringSchema;
}

/** Pattern of layer names: they become tfjs layer names and weight paths (`smile/fc/kernel`). */
export const LAYER_NAME_PATTERN: RegExp = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** A layer name: letters, digits, `_ . -`, starting with a letter; not a reserved name. */
export const LayerName: StringSchema = named(
  LAYER_NAME_PATTERN,
  "names are letters, digits, _ . - and start with a letter",
);

/** A graph name (lower_snake_case): it names the run directory and the lowered model. */
export const GraphName: StringSchema = named(/^[a-z][a-z0-9_]*$/, "graph names are lower_snake_case");

/** A head name (lower_snake_case): it prefixes the head's layers (`smile/fc`). */
export const HeadName: StringSchema = named(/^[a-z][a-z0-9_]*$/, "head names are lower_snake_case");
