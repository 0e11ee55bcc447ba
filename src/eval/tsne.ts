import { TSNE } from "@saehrimnir/druidjs";

/** Options of `tsne`. */
export type TsneOptions = {
  /** Effective number of neighbours (default 30); kept within [2, max(2, (N − 1) / 3)]. */
  perplexity?: number;
  /** Gradient-descent iterations (default 1000; the first 100 use early exaggeration × 4). */
  iterations?: number;
  /** Seed of the initial layout; the same seed and points give the same embedding (default 1). */
  seed?: number;
  /** Learning rate (default 10, as in karpathy's tsnejs, which DruidJS follows). */
  learningRate?: number;
};

/**
 * Exact t-SNE (O(N²) per iteration) of `points` (N rows of equal length) into 2-D, by DruidJS'
 * `TSNE`, seeded so that runs repeat bit for bit. 400 points × 64 dims × 1000 iterations take
 * about 3 s on one core. Returns N rows `[x, y]`.
 */
export function tsne(points: readonly (readonly number[])[], opts: TsneOptions = {}): number[][] {
  const n = points.length;
  const iterations = opts.iterations ?? 1000;
  const seed = opts.seed ?? 1;
  const learningRate = opts.learningRate ?? 10;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new RangeError(`tsne: iterations must be a positive integer, got ${iterations}`);
  }
  if (!Number.isInteger(seed)) throw new RangeError(`tsne: seed must be an integer, got ${seed}`);
  if (!(learningRate > 0)) throw new RangeError(`tsne: learningRate must be > 0, got ${learningRate}`);
  if (opts.perplexity !== undefined && !(opts.perplexity > 0)) {
    throw new RangeError(`tsne: perplexity must be > 0, got ${opts.perplexity}`);
  }
  if (n === 0) return [];
  const dims = points[0].length;
  points.forEach((row, i) => {
    if (row.length !== dims) {
      throw new RangeError(`tsne: row ${i} has ${row.length} values, row 0 has ${dims}`);
    }
    if (!row.every(Number.isFinite)) throw new RangeError(`tsne: row ${i} has a non-finite value`);
  });
  if (n === 1) return [[0, 0]];
  // Below 2 the bandwidth search of DruidJS can drive every affinity to 0 (NaN layout); above
  // (N − 1) / 3 it cannot reach the target entropy.
  const perplexity = Math.max(2, Math.min(opts.perplexity ?? 30, (n - 1) / 3));
  const X = points.map((row) => Float64Array.from(row));
  const model = new TSNE(X, { perplexity, epsilon: learningRate, d: 2, seed });
  const Y = model.transform(iterations);
  const out = Array.from(Y, (row) => [row[0], row[1]]);
  if (!out.every((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]))) {
    throw new Error(`tsne: the embedding diverged (non-finite values); perplexity ${perplexity}, n ${n}`);
  }
  return out;
}
