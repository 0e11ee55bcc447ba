/**
 * The exported train.py: its data layer reads CelebA-layout folders and dataset specs as the
 * runtime does (same examples, splits, labels and boxes; images within a few grey levels of
 * sharp's), `torchrun --standalone --nproc_per_node 2 train.py` trains examples/small_tmtl.ts for an
 * epoch on a tiny synthetic set, and the run it writes evaluates and warm-starts in the runtime.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { compileFile } from "../../src/compiler/mod.ts";
import { decodeImage } from "../../src/data/decode.ts";
import { openDataset } from "../../src/data/mod.ts";
import { generateSynth } from "../../src/data/synth/generate.ts";
import { evaluateRun } from "../../src/eval/evaluate_run.ts";
import { exportPytorch } from "../../src/export/mod.ts";
import { headRequests } from "../../src/run/data.ts";
import { metricsCsv, readMetrics } from "../../src/run/mod.ts";
import { buildSeededModel } from "../../src/train/setup.ts";
import { warmStart } from "../../src/train/warm_start.ts";
import { Rng } from "../../src/util/rng.ts";
import { wasmBackend } from "../train/helpers.ts";
import { HAS_TORCH, PYTHON, run, script, torchTestName } from "./helpers.ts";

const GRAPH = new URL("../../examples/small_tmtl.ts", import.meta.url).pathname;
const SIZE = 32;

interface Fixture {
  tmp: string;
  synth: string;
  exportDir: string;
  heads: { name: string; attribute?: string; classes: string[] }[];
}

let fixture: Promise<Fixture> | undefined;
/** 100 synthetic faces at 40×40 (80 train, 10 val, 10 test) and small_tmtl exported at 32×32. */
function setup(): Promise<Fixture> {
  return fixture ??= (async () => {
    const tmp = await Deno.makeTempDir({ prefix: "export-train-" });
    globalThis.addEventListener("unload", () => Deno.removeSync(tmp, { recursive: true }));
    const synth = join(tmp, "synth");
    await generateSynth({ out: synth, count: 100, size: 40, seed: 11 });
    const exportDir = join(tmp, "pytorch");
    await exportPytorch({ graph: GRAPH, out: exportDir, inputSize: SIZE });
    const { ir } = await compileFile(GRAPH);
    const heads = ir.heads.map((h) => ({ name: h.name, attribute: h.attribute, classes: h.classes }));
    return { tmp, synth, exportDir, heads };
  })();
}

/** A bbox-CSV dataset over the synthetic faces (random boxes, one image twice) and a celeba spec. */
async function writeSpecs(f: Fixture): Promise<string[]> {
  const attr = (await Deno.readTextFile(join(f.synth, "list_attr_celeba.txt"))).trim().split("\n");
  const names = attr[1].trim().split(/\s+/);
  const col = (row: string[], name: string) => (row[names.indexOf(name) + 1] === "1" ? "1" : "0");
  const rng = new Rng(5);
  const rows = attr.slice(2).map((line) => line.trim().split(/\s+/));
  const csv = ["file,x,y,w,h,Smiling,Male"];
  for (const row of [...rows, rows[0]]) {
    const box = [rng.int(10), rng.int(10), 22 + rng.int(8), 20 + rng.int(10)];
    csv.push([row[0], ...box, col(row, "Smiling"), col(row, "Male")].join(","));
  }
  await Deno.writeTextFile(join(f.tmp, "faces.csv"), csv.join("\n") + "\n");
  await Deno.writeTextFile(
    join(f.tmp, "boxes.yaml"),
    `format: bbox-csv
csv: faces.csv
images: synth/img_align_celeba
columns: { image: file, box: { x: x, y: y, width: w, height: h } }
heads:
  smile: { column: Smiling, values: { "0": non-smile, "1": smile } }
  gender: { column: Male, values: { "0": female, "1": male } }
`,
  );
  await Deno.writeTextFile(join(f.tmp, "hashed.yaml"), "format: celeba\nroot: synth\npartition: null\n");
  return [f.synth, join(f.tmp, "boxes.yaml"), join(f.tmp, "hashed.yaml")];
}

Deno.test({
  name: torchTestName("export: train.py reads datasets and images as the runtime does"),
  ignore: !HAS_TORCH,
  fn: async () => {
    const f = await setup();
    const datasets = await writeSpecs(f);
    const count = 12;
    const job = { heads: f.heads, datasets, size: SIZE, count, pixels: join(f.tmp, "pixels.bin") };
    await Deno.writeTextFile(join(f.tmp, "data_job.json"), JSON.stringify(job));
    const report = JSON.parse(
      (await run(PYTHON, [script("check_data.py"), f.exportDir, join(f.tmp, "data_job.json")])).stdout,
    );
    const pixels = await Deno.readFile(job.pixels);
    let offset = 0, total = 0, worst = 0;
    for (const [i, path] of datasets.entries()) {
      const ds = await openDataset(path, headRequests(f.heads.map((h) => ({ ...h, lossWeight: 1 }))));
      const rows = ds.examples.map((
        e,
      ) => [e.id, e.split, f.heads.map((h) => e.labels[h.name]), e.box ?? null]);
      assert.deepEqual(report[i].examples, rows, `${path}: examples`);
      assert.deepEqual(report[i].notes, ds.notes, `${path}: notes`);
      for (const e of ds.examples.slice(0, count)) {
        const want = await decodeImage(e.file, e.box, SIZE, e.where);
        for (let k = 0; k < want.length; k++) {
          const d = Math.abs(want[k] - pixels[offset + k]);
          total += d;
          worst = Math.max(worst, d);
        }
        offset += want.length;
      }
    }
    assert.equal(offset, pixels.length);
    const mean = total / offset;
    console.log(
      `train.py's images vs sharp's at ${SIZE}×${SIZE}: mean |Δ| ${
        mean.toFixed(2)
      }, max ${worst} grey levels`,
    );
    assert.ok(mean < 1, `decoded images differ from sharp's by ${mean} grey levels on average`);
  },
});

Deno.test({
  name: torchTestName("export: torchrun trains small_tmtl with DDP, and the runtime evaluates the run"),
  ignore: !HAS_TORCH,
  fn: async () => {
    const f = await setup();
    const runDir = join(f.tmp, "runs", "small_tmtl", "torch");
    const torchrun = await Deno.stat("/usr/bin/torchrun").then(
      () => ["/usr/bin/torchrun"],
      () => [PYTHON, "-m", "torch.distributed.run"],
    );
    const { stdout } = await run(torchrun[0], [
      ...torchrun.slice(1),
      // --redirects/--tee: Debian 12's torchrun (1.13 on Python 3.11) fails on their default "0".
      ...["--standalone", "--nproc_per_node", "2", "--redirects", "1", "--tee", "1"],
      ...["train.py", "--data", f.synth, "--epochs", "1"],
      ...[
        "--input-size",
        String(SIZE),
        "--batch-size",
        "16",
        "--workers",
        "0",
        "--log-every",
        "2",
        "--out",
        runDir,
      ],
    ], { cwd: f.exportDir, env: { OMP_NUM_THREADS: "1" } });
    assert.match(stdout, /DDP 2× gloo/);
    assert.match(stdout, /epoch 1\/1 .* \(best\)/);

    const config = JSON.parse(await Deno.readTextFile(join(runDir, "config.json")));
    assert.equal(config.graphName, "small_tmtl");
    assert.equal(config.inputSize, SIZE);
    assert.deepEqual([config.batchSize, config.microBatch], [16, 8]);
    assert.deepEqual(config.heads.map((h: { name: string }) => h.name), ["smile", "gender"]);
    const records = (await Deno.readTextFile(join(runDir, "metrics.jsonl"))).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    assert.equal(records.length, 1);
    assert.equal(records[0].step, 5); // 80 train images, 40 per process, 8 per step
    assert.ok(Number.isFinite(records[0].loss) && records[0].loss > 0);
    // metrics.csv as the runtime writes it: the same columns, the same values.
    const csv = (await Deno.readTextFile(join(runDir, "metrics.csv"))).trim().split("\n");
    const ours = metricsCsv(await readMetrics(runDir)).trim().split("\n");
    assert.equal(csv[0], ours[0]);
    assert.deepEqual(csv[1].split(",").map(Number), ours[1].split(",").map(Number));

    await wasmBackend();
    const evaluation = await evaluateRun(runDir, { split: "test", cacheDir: join(f.tmp, "cache") });
    assert.equal(evaluation.label, "small_tmtl/torch");
    for (const h of ["smile", "gender"]) {
      const a = evaluation.result.heads[h].accuracy;
      assert.ok(a >= 0 && a <= 1, `${h} accuracy ${a}`);
    }
    const { ir } = await compileFile(GRAPH, { inputSize: SIZE });
    const model = buildSeededModel(ir, 1);
    const report = await warmStart(model, runDir, ["smile", "gender"]);
    assert.equal(report.matched.length, model.weights.length);
    assert.deepEqual([report.fresh, report.skipped, report.unused], [[], [], 0]);
    model.dispose();
  },
});

Deno.test({
  name: torchTestName("export: train.py stops on bad input with one line naming the place"),
  ignore: !HAS_TORCH,
  fn: async () => {
    const f = await setup();
    // A graph whose training section asks for a loss weighting train.py does not have.
    const weighted = join(f.tmp, "weighted.json");
    await Deno.writeTextFile(
      weighted,
      JSON.stringify({
        name: "weighted",
        input: [SIZE, SIZE, 3],
        trunk: [{ use: "small_trunk", widths: [4] }],
        heads: { smile: { attribute: "Smiling", branch: ["gap"], fc: 4, classes: ["no", "yes"] } },
        training: { lossWeighting: "dwa" },
      }),
    );
    const weightedDir = join(f.tmp, "weighted-pytorch");
    await exportPytorch({ graph: weighted, out: weightedDir });
    const cases: [string[], RegExp, string?][] = [
      [
        ["--data", join(f.tmp, "nothing")],
        /^error: \S+nothing: not a dataset: expected a CelebA-layout folder/,
      ],
      [["--data", f.synth, "--lr-schedule", "soon"], /^error: --lr-schedule: expected EPOCH:LR/],
      [["--data", f.synth, "--init-from", f.tmp], /^error: --init-from \S+: no model.json there/],
      [
        ["--data", f.synth],
        /^error: the graph's training.lossWeighting is 'dwa'; train.py trains with fixed λ/,
        weightedDir,
      ],
    ];
    for (const [args, want, cwd] of cases) {
      const out = await new Deno.Command(PYTHON, {
        args: ["train.py", ...args, "--workers", "0"],
        cwd: cwd ?? f.exportDir,
        stdout: "piped",
        stderr: "piped",
      })
        .output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 1, stderr);
      assert.match(stderr, want);
      assert.equal(stderr.trim().split("\n").length, 1, stderr);
    }
  },
});
