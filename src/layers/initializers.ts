/**
 * Initializers for the project's layers, resolved and serialized with tfjs' public API only
 * (tfjs-layers' own getInitializer/serializeInitializer are not exported).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { ConfigDict } from "./tf_types.ts";

/** @ignore A tfjs initializer object (the class itself is not exported by tfjs). */
export type Initializer = ReturnType<typeof tf.initializers.heNormal>;

/**
 * An initializer as tfjs layers accept it: a tfjs identifier (`"heNormal"`, `"zeros"`, …; the Keras
 * spelling `"he_normal"` works too), an initializer object, or its serialized `{className, config}` form.
 */
export type InitializerLike = string | Initializer | ConfigDict;

/**
 * The `{className, config}` form tfjs layers store in getConfig / model.json.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * serializeInitializer(tf.initializers.heNormal({})); // { className: "VarianceScaling", config: { scale: 2, … } }
 * ```
 */
export function serializeInitializer(init: Initializer): tf.serialization.ConfigDict {
  // undefined → null (as model.json stores it), so getConfig reads the same before and after a save.
  const config = Object.fromEntries(Object.entries(init.getConfig()).map(([k, v]) => [k, v ?? null]));
  return { className: init.getClassName(), config };
}

/**
 * Turns an {@linkcode InitializerLike} into an initializer; `where` prefixes error messages.
 *
 * @example
 * ```ts
 * resolveInitializer("he_normal", "my layer").getClassName(); // "VarianceScaling"
 * ```
 */
export function resolveInitializer(spec: InitializerLike, where: string): Initializer {
  if (typeof spec === "string") {
    const id = spec.replace(/_([a-z])/g, (_m, ch: string) => ch.toUpperCase()); // he_normal → heNormal
    const factory = (tf.initializers as unknown as Record<string, unknown>)[id];
    if (typeof factory !== "function") {
      throw new Error(`${where}: unknown initializer ${JSON.stringify(spec)}`);
    }
    return (factory as (args: object) => Initializer)({});
  }
  if (typeof (spec as Initializer).apply === "function") return spec as Initializer;
  const { className, config } = spec as { className?: unknown; config?: unknown };
  const entry = typeof className === "string"
    ? tf.serialization.SerializationMap.getMap().classNameMap[className]
    : undefined;
  if (!entry) throw new Error(`${where}: cannot read initializer ${JSON.stringify(spec)}`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, (config ?? {}) as tf.serialization.ConfigDict) as unknown as Initializer;
}
