// A `.ts` graph file runs in a worker without permissions: whatever it tries beyond building data
// ends in one line naming the file and what it asked for, and nothing it attempted happens.
import assert from "node:assert/strict";
import { compileFile, loadGraphData } from "../../src/compiler/mod.ts";
import { isUserError } from "../../src/util/errors.ts";

const root = new URL("../../", import.meta.url).pathname;

/** A temp folder inside the project, so graph files can import ../../src/dsl like real ones. */
async function withGraphs(files: Record<string, string>, f: (dir: string) => Promise<void>): Promise<void> {
  await Deno.mkdir(root + "out", { recursive: true });
  const dir = await Deno.makeTempDir({ dir: root + "out", prefix: "sandbox-test-" });
  try {
    for (const [name, text] of Object.entries(files)) await Deno.writeTextFile(`${dir}/${name}`, text);
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function loadError(path: string, timeoutMs?: number): Promise<string> {
  const e = await loadGraphData(path, { timeoutMs }).then(() => undefined, (e) => e);
  assert.ok(isUserError(e), `expected a user error, got ${e}`);
  const message = (e as Error).message;
  assert.ok(!message.includes("\n"), `one line, got ${JSON.stringify(message)}`);
  assert.ok(message.startsWith(path + ": "), message);
  return message.slice(path.length + 2);
}

const tail = "export default { heads: {} };\n";

Deno.test("sandbox: a graph file that reads, writes, connects, spawns, calls native code or reads env gets one line", async () => {
  const marker = `${root}out/sandbox-marker-${crypto.randomUUID()}`;
  const files = {
    "read.ts": `Deno.readTextFileSync("/etc/hostname");\n${tail}`,
    "project_file.ts": `Deno.readTextFileSync(new URL("../../deno.json", import.meta.url));\n${tail}`,
    "write.ts": `Deno.writeTextFileSync(${JSON.stringify(marker)}, "x");\n${tail}`,
    "net.ts": `await fetch("http://127.0.0.1:1234/");\n${tail}`,
    "run.ts": `new Deno.Command("true").outputSync();\n${tail}`,
    "ffi.ts": `Deno.dlopen("libc.so.6", {});\n${tail}`,
    "env.ts": `export default { heads: {}, name: Deno.env.get("HOME") };\n`,
    "sys.ts": `Deno.hostname();\n${tail}`,
  };
  const asked: Record<string, RegExp> = {
    "read.ts": /asked for read access to "\/etc\/hostname"/,
    "project_file.ts": /asked for read access to ".*deno\.json"/,
    "write.ts": /asked for write access/,
    "net.ts": /asked for net access to "127\.0\.0\.1:1234"/,
    "run.ts": /asked for run access to "true"/,
    "ffi.ts": /asked for ffi access/,
    "env.ts": /asked for env access to "HOME"/,
    "sys.ts": /asked for sys access/,
  };
  await withGraphs(files, async (dir) => {
    for (const [file, pattern] of Object.entries(asked)) {
      const message = await loadError(`${dir}/${file}`);
      assert.match(message, /^graph files run without permissions, but this one asked for /, file);
      assert.match(message, pattern, file);
    }
  });
  assert.throws(() => Deno.statSync(marker), Deno.errors.NotFound, "the write did not happen");
});

Deno.test("sandbox: throws, exits, hangs, bad syntax, missing imports and non-data exports are one line each", async () => {
  const files = {
    "throw_number.ts": "throw 42;\n",
    "throw_object.ts": "throw { code: 1 };\n",
    "throw_error.ts": 'throw new RangeError("too big\\nsecond line");\n',
    "exit.ts": `Deno.exit(3);\n${tail}`,
    "close.ts": `self.close();\n${tail}`,
    "hang.ts": `while (true) { /* spin */ }\n${tail}`,
    "syntax.ts": "export default {\n",
    "missing.ts": 'import x from "./nope.ts";\nexport default x;\n',
    "function.ts": "export default () => 1;\n",
    "nested_function.ts": "export default { heads: { a: { fc: () => 1 } } };\n",
    "no_default.ts": "export const x = 1;\n",
    "late_throw.ts":
      `setTimeout(() => { throw new Error("later"); }, 0);\nawait new Promise((r) => setTimeout(r, 50));\n${tail}`,
  };
  await withGraphs(files, async (dir) => {
    const expect: Record<string, RegExp> = {
      "throw_number.ts": /^cannot load module: it threw 42, not an Error$/,
      "throw_object.ts": /^cannot load module: it threw an object, not an Error$/,
      "throw_error.ts": /^cannot load module: too big$/,
      "exit.ts": /^cannot load module: a graph file cannot call Deno\.exit$/,
      "close.ts": /^cannot load module: a graph file cannot call close\(\)$/,
      "syntax.ts": /^cannot load module: SyntaxError: /,
      "missing.ts": /^cannot load module: Module not found ".*nope\.ts"/,
      "function.ts": /^default export is not a graph \(got function\)/,
      "nested_function.ts": /^default export is not plain data \(.*could not be cloned\)/,
      "no_default.ts": /^no default export/,
      "late_throw.ts": /^cannot load module: later$/,
    };
    for (const [file, pattern] of Object.entries(expect)) {
      assert.match(await loadError(`${dir}/${file}`), pattern, file);
    }
    assert.match(await loadError(`${dir}/hang.ts`, 300), /^did not finish loading within 0\.3 s/);
  });
});

Deno.test("sandbox: a graph file may import the DSL, the stdlib, other graphs and npm packages", async () => {
  const files = {
    "base.ts": `import { graph } from "../../src/dsl/mod.ts";
import { attributeHead, small } from "../../stdlib/mod.ts";
import { z } from "zod";
export default graph({
  name: z.string().parse("sandboxed"),
  input: [16, 16, 3],
  trunk: [small.trunk([4])],
  heads: { smile: attributeHead("Smiling", ["no", "yes"]), gender: attributeHead("Male", ["f", "m"]) },
});
`,
    "edges.ts": `import { attention, withEdges } from "../../src/dsl/mod.ts";
import base from "./base.ts";
export default withEdges(base, "sandboxed_edges", { smile: { dependsOn: { gender: attention() } } });
`,
  };
  await withGraphs(files, async (dir) => {
    const { ir } = await compileFile(`${dir}/edges.ts`);
    assert.equal(ir.name, "sandboxed_edges");
    assert.deepEqual(ir.heads.map((h) => h.representation), ["smile/att_gender", "gender/fc"]);
  });
});
