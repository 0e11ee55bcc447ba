/**
 * Test helpers for the task-attention layer: a seeded PRNG and a plain nested-loop float64
 * implementation of DESIGN.md's equations, written from the raw weight values.
 */
import type { TaskAttentionWeights } from "../../src/layers/mod.ts";
import { Rng } from "../../src/util/rng.ts";

/** A small deterministic PRNG, so failures reproduce. */
export function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

/** Standard normal samples (Box–Muller), scaled. */
export function normals(next: () => number, n: number, scale = 1): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = Math.max(next(), 1e-12), v = next();
    out.push(scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
  return out;
}

/** Raw weights of one edge, flattened row-major (perPair: index i*K + j). */
export interface RefWeights {
  wS: ArrayLike<number>;
  wG: ArrayLike<number>;
  bias?: ArrayLike<number>;
  /** The learned temperature's log inverse temperature per module (index 0 when shared). */
  logBeta?: ArrayLike<number>;
}

/**
 * out[b][i] = Σ_j softmax_j(β·tanh(wS·x[b][j] + wG·c[b][i] + bias)) · x[b][j], with the weight picked per
 * mode: shared → index 0, module → i, perPair → i*K + j; β = exp(logBeta) per module (1 without it).
 * x: [B][K], c: [B][K'].
 */
export function reference(
  x: number[][],
  c: number[][],
  w: RefWeights,
  mode: TaskAttentionWeights,
): number[][] {
  const k = x[0].length, kPrime = c[0].length;
  const pick = (v: ArrayLike<number>, i: number, j: number) =>
    mode === "shared" ? v[0] : mode === "module" ? v[i] : v[i * k + j];
  return x.map((xb, b) => {
    const row: number[] = [];
    for (let i = 0; i < kPrime; i++) {
      const bias = w.bias ? w.bias[mode === "shared" ? 0 : i] : 0;
      const beta = w.logBeta ? Math.exp(w.logBeta[mode === "shared" ? 0 : i]) : 1;
      const score: number[] = [];
      for (let j = 0; j < k; j++) {
        score.push(beta * Math.tanh(pick(w.wS, i, j) * xb[j] + pick(w.wG, i, j) * c[b][i] + bias));
      }
      const m = Math.max(...score);
      const e = score.map((s) => Math.exp(s - m));
      const z = e.reduce((a, v) => a + v, 0);
      let o = 0;
      for (let j = 0; j < k; j++) o += (e[j] / z) * xb[j];
      row.push(o);
    }
    return row;
  });
}

/** Splits a flat array into rows of length `cols`. */
export function rows(flat: ArrayLike<number>, cols: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < flat.length / cols; r++) out.push(Array.from(flat).slice(r * cols, (r + 1) * cols));
  return out;
}
