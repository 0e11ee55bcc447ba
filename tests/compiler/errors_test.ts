import assert from "node:assert/strict";
import { compileFile, compileSpec } from "../../src/compiler/mod.ts";
import { isUserError } from "../../src/util/errors.ts";
import attentionMtl from "../../graphs/attention_mtl.ts";

/** A small valid graph to break in one place per test. */
const base = () => ({
  name: "g",
  input: [32, 32, 3],
  trunk: [{ use: "small_trunk", widths: [8] }] as Record<string, unknown>[],
  heads: {
    smile: { branch: ["gap"], fc: 16, classes: ["no", "yes"], dependsOn: { gender: { kind: "attention" } } },
    gender: { branch: ["gap"], fc: 16, classes: ["f", "m"] },
  } as Record<string, Record<string, unknown>>,
});

function userError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(isUserError(e), `expected a user error, got ${e}`);
    return (e as Error).message;
  }
  throw new Error("expected a user error, none was thrown");
}

Deno.test("errors: unknown head in dependsOn names the path, suggests, and lists heads", () => {
  const g = base();
  g.heads.smile.dependsOn = { gendr: { kind: "attention" } };
  assert.equal(
    userError(() => compileSpec(g)),
    `heads.smile.dependsOn.gendr: unknown head "gendr" (did you mean "gender"?); heads are smile, gender`,
  );
});

Deno.test("errors: a head depending on itself", () => {
  const g = base();
  g.heads.smile.dependsOn = { smile: { kind: "attention" } };
  assert.match(
    userError(() => compileSpec(g)),
    /^heads\.smile\.dependsOn\.smile: head "smile" cannot depend on itself/,
  );
});

Deno.test("errors: a cycle through attended contexts is named", () => {
  const g = base();
  g.heads.smile.dependsOn = { gender: { kind: "attention", context: "attended" } };
  g.heads.gender.dependsOn = { smile: { kind: "attention", context: "attended" } };
  assert.match(userError(() => compileSpec(g)), /dependency cycle smile → gender → smile/);
  // Mutual edges on the FC context are the paper's graph and form no cycle.
  assert.equal(compileSpec(attentionMtl).ir.heads.length, 2);
});

Deno.test("errors: duplicate layer names, with both places", () => {
  const g = base();
  g.heads.smile.branch = [{ op: "dense", name: "x", units: 4 }];
  g.trunk = [{ op: "conv2d", name: "c", filters: 4, kernel: 3 }, {
    op: "conv2d",
    name: "c",
    filters: 4,
    kernel: 3,
  }];
  assert.equal(userError(() => compileSpec(g)), `trunk[1]: duplicate layer name "c" (also at trunk[0])`);
});

Deno.test("errors: unknown stdlib fragment and bad fragment arguments", () => {
  const g = base();
  g.trunk = [{ use: "resnet5O" }];
  assert.match(
    userError(() => compileSpec(g)),
    /^trunk\[0\]\.use: unknown stdlib fragment "resnet5O" \(did you mean "resnet50"\?\)/,
  );
  g.trunk = [{ use: "resnet50", upTo: "conv9_block1" }];
  assert.match(userError(() => compileSpec(g)), /^trunk\[0\]\.upTo: expected a ResNet50 block/);
});

Deno.test("errors: unknown or mistyped fields carry the zod path", () => {
  const g = base();
  g.heads.smile.fcc = 16;
  assert.equal(
    userError(() => compileSpec(g)),
    `graph: heads.smile: unknown field "fcc" (did you mean "fc"?)`,
  );
  const h = base();
  h.heads.gender.fc = "64";
  assert.match(userError(() => compileSpec(h)), /^graph: heads\.gender\.fc: /);
  const i = base();
  i.trunk = [{ op: "conv2d", name: "c", filters: -1, kernel: 3 }];
  assert.match(userError(() => compileSpec(i)), /^graph: trunk\[0\]\.filters: /);
});

Deno.test("errors: shape inference catches a dense (FC) layer on a 4-D tensor, in a head and in a branch", () => {
  const g = base();
  g.heads.gender.branch = [];
  assert.equal(
    userError(() => compileSpec(g)),
    `heads.gender.fc: dense needs a 2-D input; got 4-D (batch, 16, 16, 8); add "gap" or "flatten" before it`,
  );
  const h = base();
  h.heads.smile.branch = [{ op: "dense", name: "d", units: 3 }];
  assert.match(userError(() => compileSpec(h)), /^heads\.smile\.branch\[0\]: dense needs a 2-D input/);
});

Deno.test("errors: flatten on a vector says it is already flat", () => {
  const g = base();
  g.heads.smile.branch = ["gap", "flatten"];
  assert.equal(
    userError(() => compileSpec(g)),
    `heads.smile.branch[1]: flatten needs a 3-D or higher input; got 2-D (batch, 8), already flat`,
  );
});

Deno.test("errors: input that names no earlier layer", () => {
  const g = base();
  g.trunk = [{ op: "conv2d", name: "c", filters: 4, kernel: 3, inputs: ["inptu"] }];
  assert.match(
    userError(() => compileSpec(g)),
    /^trunk\[0\]\.inputs\[0\]: input "inptu" names no earlier layer \(did you mean "input"\?\)/,
  );
});

Deno.test("errors: YAML syntax errors give line and column; bad files and exports are named", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bad.yaml`, "name: g\ninput: [1, 2\ntrunk: []\n");
    const yamlErr = await compileFile(`${dir}/bad.yaml`).then(() => null, (e) => e);
    assert.ok(isUserError(yamlErr));
    assert.match(yamlErr.message, /^.*bad\.yaml:\d+:\d+: /);
    await Deno.writeTextFile(`${dir}/bad.json`, '{\n  "name": "g",\n  oops\n}');
    const jsonErr = await compileFile(`${dir}/bad.json`).then(() => null, (e) => e);
    assert.match(jsonErr.message, /bad\.json:3:\d+: /);
    await Deno.writeTextFile(`${dir}/none.ts`, "export const x = 1;\n");
    assert.match((await compileFile(`${dir}/none.ts`).catch((e) => e)).message, /no default export/);
    await Deno.writeTextFile(`${dir}/num.ts`, "export default 42;\n");
    assert.match(
      (await compileFile(`${dir}/num.ts`).catch((e) => e)).message,
      /default export is not a graph \(got number\)/,
    );
    assert.match(
      (await compileFile(`${dir}/missing.yaml`).catch((e) => e)).message,
      /missing\.yaml: no such file/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
