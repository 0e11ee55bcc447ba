/**
 * The PyTorch exporter without PyTorch: names, weight tables, generated code and the command line.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { compileFile } from "../../src/compiler/mod.ts";
import { emitModelPy, planModel } from "../../src/export/mod.ts";
import { classNameOf, ModulePaths, NameScope } from "../../src/export/names.ts";
import { pyBlock, pyLiteral, pyNumber } from "../../src/export/python_literal.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const VARIANTS = join(ROOT, "tests/export/fixtures/variants.ts");

Deno.test("export names: layer paths become attributes Python and torch.nn.Module allow", () => {
  const paths = new ModulePaths();
  assert.deepEqual(paths.add("conv1_conv"), ["conv1_conv"]);
  assert.deepEqual(paths.add("smile/conv5_block3_1_conv"), ["smile", "conv5_block3_1_conv"]);
  assert.deepEqual(paths.add("smile/fc"), ["smile", "fc"]);
  assert.deepEqual(paths.add("train"), ["train_"]); // nn.Module.train would shadow it
  assert.deepEqual(paths.add("lambda"), ["lambda_"]);
  assert.deepEqual(paths.add("bn.1"), ["bn_1"]);
  assert.deepEqual(paths.add("bn-1"), ["bn_1_"]); // unique after adjustment
  assert.deepEqual(paths.add("bn_1_"), ["bn_1__"]);
  assert.deepEqual(paths.add("smile"), ["smile_"]); // a trunk layer named like a head's namespace
  assert.deepEqual(paths.namespaces, [["smile"]]);
  const locals = new NameScope(["x"]);
  assert.equal(locals.take("x"), "x_");
  assert.equal(locals.take("9a"), "_9a");
  assert.equal(classNameOf("small_attention_mtl"), "SmallAttentionMtl");
});

Deno.test("export literals: numbers read back exactly, data as Python", () => {
  assert.equal(pyNumber(1 - 0.99), "0.01");
  assert.equal(pyNumber(1.001e-5), "1.001e-5");
  assert.equal(pyNumber(64), "64");
  assert.equal(pyLiteral({ a: [true, null, 'q"'], b: 0.5 }), `{"a": [True, None, "q\\""], "b": 0.5}`);
  assert.equal(pyBlock({ a: 1 }), `{"a": 1}`);
  assert.equal(
    pyBlock({ a: "x".repeat(60), b: "y".repeat(60) }),
    `{\n    "a": "${"x".repeat(60)}",\n    "b": "${"y".repeat(60)}",\n}`,
  );
});

Deno.test("export plan: every graph's weight table holds the IR's parameters, one entry per tfjs weight", async () => {
  const files = [
    "graphs/tmtl.ts",
    "graphs/attention_mtl.ts",
    "examples/celeba_four.ts",
    "tests/export/fixtures/variants.ts",
  ];
  for (const file of files) {
    const { ir } = await compileFile(join(ROOT, file));
    const plan = planModel(ir);
    assert.equal(plan.params, ir.totalParams, file);
    const names = plan.weights.map((w) => w.name);
    assert.equal(new Set(names).size, names.length, `${file}: weight names unique`);
    assert.equal(
      new Set(plan.weights.map((w) => w.key)).size,
      names.length,
      `${file}: state_dict keys unique`,
    );
  }
  const { ir } = await compileFile(join(ROOT, "graphs/attention_mtl.ts"));
  const plan = planModel(ir);
  assert.equal(plan.params, 28_322_308);
  const byName = new Map(plan.weights.map((w) => [w.name, w]));
  assert.deepEqual(byName.get("smile/fc/kernel"), {
    name: "smile/fc/kernel",
    shape: [2048, 64],
    key: "smile.fc.weight",
    layout: "io",
  });
  assert.deepEqual(byName.get("conv1_conv/kernel")?.layout, "hwio");
  assert.deepEqual(byName.get("conv1_bn/moving_variance")?.key, "conv1_bn.running_var");
  assert.deepEqual(byName.get("gender/att_smile/wG")?.shape, [64]);
  assert.equal(plan.anyInputSize, true);
});

Deno.test("export model.py: Keras conventions become explicit PyTorch code", async () => {
  const { ir } = await compileFile(VARIANTS);
  const plan = planModel(ir);
  assert.equal(plan.anyInputSize, false, "b/flatten feeds a dense layer");
  const py = emitModelPy(plan, { graphFile: "variants.ts" });
  // TensorFlow's "same" pads stride 2 and even kernels asymmetrically: those get Conv2dSame.
  assert.match(py, /self\.c1 = Conv2dSame\(3, 8, 3, stride=2\)/);
  assert.match(py, /self\.b\.train_ = Conv2dSame\(8, 4, \(2, 3\)\)/);
  assert.match(py, /self\.type_ = nn\.Conv2d\(8, 8, 3, padding=1, bias=False\)/);
  assert.match(py, /self\.bn_1 = nn\.BatchNorm2d\(8, eps=0\.001, momentum=0\.1\)/); // Keras 0.9
  assert.match(py, /self\.d\.bn1d = nn\.BatchNorm1d\(24, eps=1\.001e-5, momentum=0\.01\)/); // Keras 0.99
  assert.match(
    py,
    /self\.a\.att_b = TaskAttention\(16, 12, weights="perPair", bias=True, temperature="learned"\)/,
  );
  assert.match(
    py,
    /self\.b\.att_c = TaskAttention\(12, 10, weights="shared", bias=True, temperature="learned"\)/,
  );
  assert.match(py, /max_pool2d_same\(res, \(3, 3\), \(2, 2\)\)/);
  assert.match(py, /flatten_channels_last\(x\)/);
  assert.match(py, /keras_init_\(self\.c1, "glorot_uniform"\)/);
  assert.match(py, /\(d_att_a \+ x\) \/ 2 {2}# d\/combine/);
  assert.match(py, /"b\/train\/kernel": \("b\.train_\.weight", "hwio"\)/);
  assert.match(py, /return a_out, b_out, c_out, d_out\n/);
  assert.match(py, /^ANY_INPUT_SIZE = False$/m);
});

/** Runs `deno task export` as a user would, with the task's permissions. */
async function exportCli(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "export", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("cli export: writes the project; mistakes are one line, and nothing is half-written", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "export-cli-" });
  try {
    const out = join(tmp, "pytorch");
    const ok = await exportCli(
      "examples/small_tmtl.ts",
      "--to",
      "pytorch",
      "--out",
      out,
      "--input-size",
      "32",
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /model\.py \(SmallTmtl, 557,540 parameters, 32×32 input\)/);
    const files = [...Deno.readDirSync(out)].map((e) => e.name).sort();
    assert.deepEqual(files, ["export.json", "model.py", "mtl", "tfjs_topology.json", "train.py"]);
    const support = [...Deno.readDirSync(join(out, "mtl"))].map((e) => e.name).sort();
    assert.deepEqual(support, [
      "__init__.py",
      "bbox.py",
      "celeba.py",
      "data.py",
      "examples.py",
      "images.py",
      "layers.py",
      "loop.py",
      "tfjs.py",
    ]);
    const again = await exportCli("examples/small_tmtl.ts", "--out", out);
    assert.equal(again.code, 0, "an earlier export is replaced");

    const other = join(tmp, "other");
    await Deno.mkdir(other);
    await Deno.writeTextFile(join(other, "notes.txt"), "mine");
    const cases: [string[], string][] = [
      [["examples/small_tmtl.ts", "--to", "onnx"], "error: --to: expected one of pytorch, got 'onnx'"],
      [
        ["examples/small_tmtl.ts", "--out", other],
        `error: ${other}: holds other files (no export.json); give --out a new or empty folder`,
      ],
      [
        ["examples/small_tmtl.ts", "--input-size", "x"],
        `error: --input-size: expected an integer in 8..4096, got 'x'`,
      ],
      [
        ["examples/small_attention_mtl.ts", "--out", join(tmp, "w"), "--weights", join(out, "nothing")],
        `error: ${join(out, "nothing")}: not found (expected a run directory or a model.json)`,
      ],
    ];
    for (const [args, want] of cases) {
      const r = await exportCli(...args);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr.trim(), want);
    }
    assert.deepEqual([...Deno.readDirSync(other)].map((e) => e.name), ["notes.txt"]);
    assert.equal([...Deno.readDirSync(tmp)].some((e) => e.name === "w"), false, "nothing half-written");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("cli export: weights of a run of another graph are refused, naming the first missing weight", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "export-cli-" });
  try {
    // A tfjs weights manifest of the TMTL graph: its attention-free weights lack the edges' wS/wG.
    const { ir } = await compileFile(join(ROOT, "examples/small_tmtl.ts"));
    const specs = planModel(ir).weights.map((w) => ({ name: w.name, shape: w.shape, dtype: "float32" }));
    const bytes = 4 * specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    await Deno.writeFile(join(tmp, "weights.bin"), new Uint8Array(bytes));
    await Deno.writeTextFile(
      join(tmp, "model.json"),
      JSON.stringify({ weightsManifest: [{ paths: ["weights.bin"], weights: specs }] }),
    );
    const r = await exportCli(
      "examples/small_attention_mtl.ts",
      "--out",
      join(tmp, "x"),
      "--weights",
      join(tmp, "model.json"),
    );
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim(),
      `error: ${
        join(tmp, "model.json")
      }: has no weight smile/att_gender/wS and 3 more that the graph needs ` +
        `(export a run of this graph)`,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
