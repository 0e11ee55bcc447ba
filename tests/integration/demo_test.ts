// The main job's whole path (synthetic data → TMTL, TMTL continued and the warm-started attention
// MTL → Table 1 with the control → curves and t-SNE pictures), and the experiment over two seeds
// with the equal-budget control and both remedies for the warm-start dip, on a tiny generated set.
import assert from "node:assert/strict";
import sharp from "sharp";
import { generateSynth } from "../../src/data/mod.ts";
import { demoCommand } from "../../src/cli/demo.ts";
import { experimentCommand } from "../../src/cli/experiment.ts";
import { useBackend } from "../../src/backend/mod.ts";

async function tinySet(dir: string) {
  await generateSynth({ out: `${dir}/synth`, count: 120, size: 32, seed: 3 });
  return ["--data", `${dir}/synth`, "--runs", `${dir}/runs`, "--cache", `${dir}/cache`, "--backend", "wasm"];
}

/** Captures console.log while `f` runs. */
async function captured(f: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    await f();
  } finally {
    console.log = log;
  }
  return lines.join("\n");
}

Deno.test("demo: trains the three rows, prints Table 1, writes the table, curves and t-SNE pictures", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const common = await tinySet(dir);
    const out = await captured(() =>
      demoCommand([
        ...common,
        "--quick",
        "--input-size",
        "16",
        "--epochs-a",
        "1",
        "--epochs-b",
        "1",
        "--seeds",
        "1",
        "--out",
        `${dir}/out`,
      ])
    );
    assert.match(out, /\| Architecture +\| +smile \| +gender \| +average \|/);
    assert.match(out, /\| TMTL +\|/);
    assert.match(out, /\| TMTL continued +\|/);
    assert.match(out, /\| Attention MTL \(task dependencies\) +\|/);
    assert.match(out, /1 seed, .* in all/);
    assert.match(out, /Warm-start dip/);
    assert.match(out, /73 weights matched, 4 new/);
    const table = await Deno.readTextFile(`${dir}/out/table.md`);
    assert.match(table, /\| TMTL continued/);
    const meta = await sharp(`${dir}/out/tsne.png`).metadata();
    assert.ok((meta.width ?? 0) > 400 && (meta.height ?? 0) > 300);
    assert.match(await Deno.readTextFile(`${dir}/out/tsne.svg`), /smile\/att_gender/);
    for (const graph of ["small_tmtl", "small_attention_mtl"]) {
      const runs = [...Deno.readDirSync(`${dir}/runs/${graph}`)];
      assert.equal(runs.length, graph === "small_tmtl" ? 2 : 1, `${graph}: ${runs.map((r) => r.name)}`);
      for (const run of runs) {
        await Deno.stat(`${dir}/runs/${graph}/${run.name}/curves.png`);
        await Deno.stat(`${dir}/runs/${graph}/${run.name}/best/model.json`);
        await Deno.stat(`${dir}/runs/${graph}/${run.name}/metrics.csv`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("experiment: the control and two remedies over two seeds, B judged against the control", async () => {
  await useBackend("wasm");
  const dir = await Deno.makeTempDir();
  try {
    const common = await tinySet(dir);
    const out = await captured(() =>
      experimentCommand([
        "examples/small_tmtl.ts",
        "examples/small_attention_mtl.ts",
        ...common,
        "--seeds",
        "2",
        "--input-size",
        "16",
        "--epochs-a",
        "1",
        "--epochs-b",
        "1",
        "--warmup-new",
        "1",
        "--warmup-lr",
        "1e-4",
        "--out",
        `${dir}/exp`,
      ])
    );
    assert.match(out, /mean ± sd over 2 seeds/);
    for (const row of ["small_tmtl", "small_tmtl continued", "small_attention_mtl"]) {
      assert.match(out, new RegExp(`\\| ${row} +\\| +\\d+\\.\\d\\d ± \\d+\\.\\d\\d \\|`), row);
    }
    assert.match(out, /Per-seed difference small_attention_mtl − small_tmtl continued/);
    assert.match(out, /\| 1 +\| +[+-]\d+\.\d\d \|/);
    assert.match(out, /\| 2 +\| +[+-]\d+\.\d\d \|/);
    assert.match(out, /paired t \(p\)/);
    assert.match(out, /\*\*Verdict\*\* \(small_attention_mtl vs small_tmtl continued, equal budget\)/);
    assert.match(out, /\| small_attention_mtl, new layers only for 1 epoch − small_tmtl continued/);
    assert.match(out, /\| small_attention_mtl, first epoch at lr 0\.0001, after epoch 1 /);

    type Run = { runDir: string };
    type Seed = { seed: number; runs: Record<string, Run> };
    const results = JSON.parse(await Deno.readTextFile(`${dir}/exp/results.json`));
    assert.deepEqual(results.seeds.map((s: Seed) => s.seed), [1, 2]);
    const keys = ["a", "control", "b", "warmup-new", "warmup-lr"];
    assert.deepEqual(Object.keys(results.seeds[0].runs), keys);
    assert.notEqual(results.seeds[0].runs.a.runDir, results.seeds[1].runs.a.runDir);
    // The control and B start from A's best weights and share B's protocol: the same batches and rates.
    const config = (run: Run) => JSON.parse(Deno.readTextFileSync(`${run.runDir}/config.json`));
    const [a, control, b, warmupNew, warmupLr] = keys.map((k) => config(results.seeds[1].runs[k]));
    assert.equal(control.graphName, "small_tmtl");
    for (const c of [control, b, warmupNew, warmupLr]) {
      assert.equal(c.initFrom, results.seeds[1].runs.a.runDir);
    }
    for (
      const field of ["epochs", "batchSize", "schedule", "augment", "seed", "lossWeighting", "optimizer"]
    ) {
      assert.deepEqual(control[field], b[field], field);
    }
    assert.equal(a.seed, 2);
    assert.deepEqual(warmupNew.warmup, {
      epochs: 1,
      layers: ["smile/att_gender", "smile/out", "gender/att_smile", "gender/out"],
    });
    assert.equal(warmupLr.optimizer.lr, 1e-4);
    const csv = (await Deno.readTextFile(`${dir}/exp/results.csv`)).trim().split("\n");
    assert.equal(csv.length, 1 + 2 * keys.length);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
