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
import { hash32, Rng } from "../util/rng.ts";

/** A seeded stream of floats in [0, 1) (mulberry32, see src/util/rng.ts). */
export function seededRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
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
  return hash32(seed, ...parts);
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
  Math.random = seededRandom(seed);
  try {
    const out = fn();
    if (out instanceof Promise) throw new Error("withSeededRandom: fn must be synchronous");
    return out;
  } finally {
    Math.random = original;
  }
}
