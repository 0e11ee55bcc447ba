/** A plain object (not an array, not null). */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Partial of `T` at every level of nested plain objects (arrays are replaced whole). */
export type DeepPartial<T> = T extends readonly unknown[] ? T
  : T extends Record<string, unknown> ? { [K in keyof T]?: DeepPartial<T[K]> }
  : T;

/**
 * `base` with `patch` laid over it: nested plain objects merge key by key, anything else (numbers,
 * arrays) is replaced, and an undefined value in `patch` keeps the base's.
 *
 * @example
 * ```ts
 * mergePlain({ lr: 1, augment: { flip: true, shift: 0.1 } }, { augment: { shift: 0 } });
 * // { lr: 1, augment: { flip: true, shift: 0 } }
 * ```
 */
export function mergePlain<T>(base: T, patch: DeepPartial<T> | undefined): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return (patch === undefined ? base : patch) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) out[key] = mergePlain(out[key], value as never);
  }
  return out as T;
}
