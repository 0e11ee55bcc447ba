import assert from "node:assert/strict";
import { meanSd, pairedReport, pairedTTest } from "../../src/eval/paired_stats.ts";
import { markdownTable } from "../../src/eval/markdown.ts";

Deno.test("paired stats: mean, sample sd and a paired t-test match a hand computation", () => {
  const { mean, sd } = meanSd([1, 2, 3, 4]);
  assert.equal(mean, 2.5);
  assert.ok(Math.abs(sd - Math.sqrt(5 / 3)) < 1e-12);
  // t = 2.5 / (sd / 2) = 3.8730; two-sided p with 3 df = 0.03047 (t tables).
  const t = pairedTTest([1, 2, 3, 4]);
  assert.ok(Math.abs(t.t - 3.8729833) < 1e-6);
  assert.equal(t.df, 3);
  assert.ok(Math.abs(t.p - 0.030466) < 1e-5, String(t.p));
  assert.ok(Number.isNaN(pairedTTest([0.5]).p), "one seed allows no test");
});

Deno.test("paired stats: the report shows mean ± sd, signed per-seed differences and a verdict", () => {
  const report = pairedReport({
    heads: ["smile", "gender"],
    seeds: [1, 2],
    a: { name: "tmtl", perSeed: [{ smile: 0.9, gender: 0.8 }, { smile: 0.92, gender: 0.82 }] },
    b: { name: "att", perSeed: [{ smile: 0.91, gender: 0.8 }, { smile: 0.9, gender: 0.84 }] },
  });
  assert.match(report, /\| tmtl +\| 91\.00 ± 1\.41 \| 81\.00 ± 1\.41 \| 86\.00 ± 1\.41 \|/);
  assert.match(report, /\| 1 +\| +\+1\.00 \| +\+0\.00 \| +\+0\.50 \|/);
  assert.match(report, /\| 2 +\| +-2\.00 \| +\+2\.00 \| +\+0\.00 \|/);
  assert.match(report, /within seed noise/);
});

Deno.test("markdown table: aligned columns, names left, numbers right", () => {
  assert.equal(
    markdownTable(["Architecture", "smile"], [["TMTL", "92.13"], ["Attention MTL", "9.5"]]),
    [
      "| Architecture  | smile |",
      "| :------------ | ----: |",
      "| TMTL          | 92.13 |",
      "| Attention MTL |   9.5 |",
    ].join("\n"),
  );
});
