import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url).pathname;

/** Runs `deno task compile` exactly as a user would, with the task's own permissions. */
async function compile(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "compile", ...args],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
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
