/**
 * Seeded randomness for training: a small PRNG, seed derivation, and a scope that makes tfjs'
 * unseeded random ops (weight initializers, dropout) draw from a seeded stream.
 *
 * tfjs seeds each random op from `Math.random()` when no seed is given, so replacing
 * `Math.random` for the duration of a synchronous call makes model construction and a training
 * step reproducible without touching the layers.
 *
 * @module
 */

/** mulberry32: a fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A new 32-bit seed from a base seed and integers (e.g. epoch and step), so each place that needs
 * randomness gets its own stream that does not depend on what ran before it.
 *
 * @example
 * ```ts
 * const stepSeed = deriveSeed(42, epoch, batch);
 * ```
 */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

/**
 * Runs `fn` with `Math.random` replaced by a PRNG seeded with `seed`, and restores it afterwards.
 * `fn` must be synchronous: an `await` inside would leak the seeded stream to other code.
 *
 * @example
 * ```ts
 * const model = withSeededRandom(7, () => lowerToModel(ir)); // same initial weights every time
 * ```
 */
export function withSeededRandom<T>(seed: number, fn: () => T): T {
  const original = Math.random;
  Math.random = mulberry32(seed);
  try {
    const out = fn();
    if (out instanceof Promise) throw new Error("withSeededRandom: fn must be synchronous");
    return out;
  } finally {
    Math.random = original;
  }
}
