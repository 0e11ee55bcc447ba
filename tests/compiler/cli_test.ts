import assert from "node:assert/strict";
import { runTask } from "../child.ts";

const root = new URL("../../", import.meta.url).pathname;

/** Runs `deno task compile` exactly as a user would, with the task's own permissions (and a deadline). */
function compile(...args: string[]) {
  return runTask("compile", args, { timeoutMs: 60_000 });
}

Deno.test("cli compile: a user mistake exits 1 with one line and no stack trace", async () => {
  await Deno.mkdir(root + "out", { recursive: true });
  const dir = await Deno.makeTempDir({ dir: root + "out", prefix: "cli-test-" });
  try {
    await Deno.writeTextFile(
      `${dir}/typo.yaml`,
      "name: typo\ninput: [32, 32, 3]\ntrunk: [{ use: small_trunk, widths: [8] }]\nheads:\n" +
        "  smile: { branch: [gap], fc: 8, classes: [a, b], dependsOn: { gendr: { kind: attention } } }\n" +
        "  gender: { branch: [gap], fc: 8, classes: [f, m] }\n",
    );
    const r = await compile(`${dir}/typo.yaml`, "--out", dir);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim(),
      `error: heads.smile.dependsOn.gendr: unknown head "gendr" (did you mean "gender"?); heads are smile, gender`,
    );
    assert.doesNotMatch(r.stderr, /\bat \S+:\d+:\d+/);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["typo.yaml"], "nothing half-written");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli compile: prints the summary and writes IR, topology and Mermaid under out/<graph>/", async () => {
  await Deno.mkdir(root + "out", { recursive: true });
  const dir = await Deno.makeTempDir({ dir: root + "out", prefix: "cli-test-" });
  try {
    const r = await compile("examples/small_attention_mtl.ts", "--out", dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Total params: 557,796$/m);
    assert.match(r.stdout, /— head smile/);
    const files = [...Deno.readDirSync(`${dir}/small_attention_mtl`)].map((e) => e.name).sort();
    // .mtl-graph marks the folder as the project's own (commands never write into others' folders).
    assert.deepEqual(files, [".mtl-graph", "graph.json", "graph.mmd", "model.json"]);
    const topology = JSON.parse(Deno.readTextFileSync(`${dir}/small_attention_mtl/model.json`));
    assert.equal(topology.format, "layers-model");
    assert.equal(topology.weightsManifest, undefined, "topology only, no weights");
    assert.match(
      Deno.readTextFileSync(`${dir}/small_attention_mtl/graph.mmd`),
      /gender_fc -\. "context" \.-> smile_att_gender/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli compile: hostile inputs (a directory, an alias bomb, a graph that reads a file) get one line each", async () => {
  await Deno.mkdir(root + "out", { recursive: true });
  const dir = await Deno.makeTempDir({ dir: root + "out", prefix: "cli-test-" });
  try {
    await Deno.mkdir(`${dir}/folder.yaml`);
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (const [prev, cur] of [["a", "b"], ["b", "c"], ["c", "d"], ["d", "e"], ["e", "f"], ["f", "g"]]) {
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    await Deno.writeTextFile(`${dir}/bomb.yaml`, levels.join("\n") + "\n");
    await Deno.writeTextFile(
      `${dir}/spy.ts`,
      `export default { name: Deno.readTextFileSync("${root}deno.json"), heads: {} };\n`,
    );
    const expected: [string, RegExp][] = [
      ["folder.yaml", /: is a directory; give a graph file/],
      ["bomb.yaml", /: its aliases expand too far/],
      [
        "spy.ts",
        /: graph files run without permissions, but this one asked for read access to ".*deno\.json"/,
      ],
    ];
    for (const [file, pattern] of expected) {
      const r = await compile(`${dir}/${file}`, "--out", dir);
      assert.equal(r.code, 1, file);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, `${file}: ${r.stderr}`);
      assert.match(lines[0], new RegExp(`^error: ${dir}/${file}`));
      assert.match(lines[0], pattern);
    }
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
      ["bomb.yaml", "folder.yaml", "spy.ts"],
      "nothing written",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
