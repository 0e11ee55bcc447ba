// The main job's whole path (synthetic data → TMTL → warm-started attention MTL → Table 1 → curves
// and t-SNE pictures), and the paired experiment over two seeds, on a tiny generated set.
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

Deno.test("demo: trains both graphs, prints Table 1, writes the table, curves and t-SNE pictures", async () => {
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
        "--out",
        `${dir}/out`,
      ])
    );
    assert.match(out, /\| Architecture +\| +smile \| +gender \| +average \|/);
    assert.match(out, /\| TMTL +\|/);
    assert.match(out, /\| Attention MTL \(task dependencies\) +\|/);
    assert.match(out, /73 weights matched, 4 new/);
    const table = await Deno.readTextFile(`${dir}/out/table.md`);
    assert.match(table, /\| TMTL/);
    const meta = await sharp(`${dir}/out/tsne.png`).metadata();
    assert.ok((meta.width ?? 0) > 400 && (meta.height ?? 0) > 300);
    assert.match(await Deno.readTextFile(`${dir}/out/tsne.svg`), /smile\/att_gender/);
    for (const graph of ["small_tmtl", "small_attention_mtl"]) {
      const [run] = [...Deno.readDirSync(`${dir}/runs/${graph}`)];
      await Deno.stat(`${dir}/runs/${graph}/${run.name}/curves.png`);
      await Deno.stat(`${dir}/runs/${graph}/${run.name}/best/model.json`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("experiment: two seeds give mean ± sd, per-seed differences and a paired t-test", async () => {
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
        "--out",
        `${dir}/exp`,
      ])
    );
    assert.match(out, /mean ± sd over 2 seeds/);
    assert.match(out, /\| small_tmtl +\| +\d+\.\d\d ± \d+\.\d\d \|/);
    assert.match(out, /\| 1 +\| +[+-]\d+\.\d\d \|/);
    assert.match(out, /\| 2 +\| +[+-]\d+\.\d\d \|/);
    assert.match(out, /paired t \(p\)/);
    const results = JSON.parse(await Deno.readTextFile(`${dir}/exp/results.json`));
    assert.deepEqual(results.pairs.map((p: { seed: number }) => p.seed), [1, 2]);
    assert.notEqual(results.pairs[0].a.runDir, results.pairs[1].a.runDir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
