/** t-SNE: cluster separation, determinism for a seed, small and bad inputs. */
import assert from "node:assert/strict";
import { tsne } from "../../src/eval/tsne.ts";
import { Rng } from "../../src/util/rng.ts";

/** Seeded, so the data, like the embedding, repeats exactly. */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.next();
}

function clusters(n: number, dims: number, k: number, seed: number) {
  const r = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const centers = Array.from({ length: k }, () => Array.from({ length: dims }, () => 4 * gauss()));
  const labels = Array.from({ length: n }, (_, i) => i % k);
  const points = labels.map((c) => centers[c].map((m) => m + gauss()));
  return { points, labels };
}

/** Leave-one-out 1-nearest-neighbour accuracy in the embedding. */
function knnAccuracy(y: number[][], labels: number[]): number {
  let hits = 0;
  for (let i = 0; i < y.length; i++) {
    let best = Infinity;
    let nearest = -1;
    for (let j = 0; j < y.length; j++) {
      if (j === i) continue;
      const d = (y[i][0] - y[j][0]) ** 2 + (y[i][1] - y[j][1]) ** 2;
      if (d < best) [best, nearest] = [d, j];
    }
    if (labels[nearest] === labels[i]) hits++;
  }
  return hits / y.length;
}

Deno.test("tsne separates four Gaussian clusters", () => {
  const { points, labels } = clusters(200, 64, 4, 7);
  const y = tsne(points, { perplexity: 20, iterations: 400, seed: 3 });
  assert.deepEqual(y.length, 200);
  assert.ok(y.every((p) => p.length === 2 && p.every(Number.isFinite)));
  const acc = knnAccuracy(y, labels);
  assert.ok(acc > 0.95, `kNN accuracy ${acc}`);
});

Deno.test("tsne is deterministic for a seed and depends on it", () => {
  const { points } = clusters(60, 16, 4, 11);
  const a = tsne(points, { iterations: 150, seed: 5 });
  const b = tsne(points, { iterations: 150, seed: 5 });
  const c = tsne(points, { iterations: 150, seed: 6 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

Deno.test("tsne handles tiny inputs and rejects bad ones", () => {
  assert.deepEqual(tsne([]), []);
  assert.deepEqual(tsne([[1, 2, 3]]), [[0, 0]]);
  const few = tsne([[0, 0], [1, 0], [0, 1], [5, 5]], { iterations: 50 });
  assert.deepEqual(few.length, 4);
  assert.ok(few.flat().every(Number.isFinite));
  assert.throws(() => tsne([[1, 2], [3]]), /row 1/);
  assert.throws(() => tsne([[1, NaN], [3, 4]]), /non-finite/);
  assert.throws(() => tsne([[1], [2]], { iterations: 0 }), /iterations/);
});
