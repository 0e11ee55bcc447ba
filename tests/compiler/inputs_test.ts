// Compile inputs that used to end in stack traces: each is now one line naming where it is.
import assert from "node:assert/strict";
import {
  compileFile,
  compileSpec,
  MAX_PARAMS,
  MAX_TENSOR_VALUES,
  parseJson,
} from "../../src/compiler/mod.ts";
import { MAX_DEPTH } from "../../src/schema/mod.ts";
import { isUserError } from "../../src/util/errors.ts";

function oneLine(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(isUserError(e), `expected a user error, got ${(e as Error).stack}`);
    const message = (e as Error).message;
    assert.ok(!message.includes("\n"), JSON.stringify(message));
    return message;
  }
  throw new Error("expected a user error, none was thrown");
}

async function oneLineAsync(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => undefined, (e) => e);
  return oneLine(() => {
    if (e) throw e;
  });
}

const small = (heads: Record<string, unknown>, o: { input?: number[]; trunk?: unknown[] } = {}) => ({
  name: "sizes",
  input: o.input ?? [8, 8, 3],
  trunk: o.trunk ?? [{ op: "conv2d", name: "c", filters: 4, kernel: 3 }],
  heads,
});

Deno.test("inputs: layers too large to allocate are refused before lowering", () => {
  assert.equal(
    oneLine(() => compileSpec(small({ a: { branch: ["gap"], fc: 1e9, classes: ["n", "y"] } }))),
    `heads.a.fc: it would have 5,000,000,000 parameters; a tensor holds at most 2,147,483,647`,
  );
  assert.equal(
    oneLine(() =>
      compileSpec(
        small({ a: { branch: ["gap"], fc: 4, classes: ["n", "y"] } }, { input: [100000, 100000, 3] }),
      )
    ),
    `input: its output would hold 30,000,000,000 values per image (100000×100000×3); a tensor holds at most 2,147,483,647`,
  );
  // Absurd but valid numbers (zod stops at 2^53): shapes and counts far past any tensor.
  assert.match(
    oneLine(() =>
      compileSpec(small({ a: { branch: ["flatten"], fc: 4, classes: ["n", "y"] } }, {
        trunk: [{ op: "zeropad", name: "p", padding: 1e15 }],
      }))
    ),
    /^trunk\[0\]: its output would hold [\d,]{40,} values per image \(2000000000000008×2000000000000008×3\)/,
  );
  assert.match(
    oneLine(() =>
      compileSpec(small({ a: { branch: ["gap"], fc: 4, classes: ["n", "y"] } }, {
        trunk: [{ op: "conv2d", name: "c", filters: 1e15, kernel: 1 }],
      }))
    ),
    /^trunk\[0\]: its output would hold 64,000,000,000,000,000 values per image/,
  );
  // Each tensor fits, the whole model does not.
  const wide = (name: string) => ({ op: "dense", name, units: 20000 });
  assert.match(
    oneLine(() =>
      compileSpec(
        small({
          a: { branch: ["gap", wide("d1"), wide("d2"), wide("d3"), wide("d4")], fc: 4, classes: ["n", "y"] },
        }),
      )
    ),
    new RegExp(
      `^heads\\.a\\.branch\\[4\\]: the graph reaches 1,200,\\d{3},\\d{3} parameters here; at most ${
        MAX_PARAMS.toLocaleString("en-US")
      }`,
    ),
  );
  assert.ok(MAX_PARAMS < MAX_TENSOR_VALUES);
});

Deno.test("inputs: a directory, a missing file and an unknown extension", async () => {
  const dir = await Deno.makeTempDir({ suffix: ".yaml" });
  try {
    assert.equal(
      await oneLineAsync(compileFile(dir)),
      `${dir}: is a directory; give a graph file (.ts, .yaml or .json)`,
    );
    assert.equal(await oneLineAsync(compileFile(`${dir}/none.ts`)), `${dir}/none.ts: no such file`);
    await Deno.writeTextFile(`${dir}/g.txt`, "x");
    assert.match(await oneLineAsync(compileFile(`${dir}/g.txt`)), /g\.txt: unknown graph file type "\.txt"/);
    await Deno.mkdir(`${dir}/graph.ts`);
    assert.match(await oneLineAsync(compileFile(`${dir}/graph.ts`)), /graph\.ts: is a directory/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("inputs: YAML alias bombs, aliases to themselves and deep nesting", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (let i = 1; i < 9; i++) {
      const [prev, cur] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    await Deno.writeTextFile(`${dir}/bomb.yaml`, levels.join("\n") + "\n");
    assert.equal(
      await oneLineAsync(compileFile(`${dir}/bomb.yaml`)),
      `${dir}/bomb.yaml: its aliases expand too far (an alias bomb?); the yaml reader stops at 100 alias expansions`,
    );
    await Deno.writeTextFile(
      `${dir}/self.yaml`,
      "name: x\ninput: [8, 8, 3]\ntrunk: &t [{ op: gap, name: g, inputs: *t }]\nheads: {}\n",
    );
    assert.equal(
      await oneLineAsync(compileFile(`${dir}/self.yaml`)),
      `${dir}/self.yaml: trunk[0].inputs: this value contains itself (an alias inside its own anchor?)`,
    );
    // Shared (non-cyclic) aliases are ordinary YAML and still work.
    await Deno.writeTextFile(
      `${dir}/shared.yaml`,
      "name: shared\ninput: [16, 16, 3]\ntrunk: [{ use: small_trunk, widths: [4] }]\n" +
        "heads:\n  a: &h { branch: [gap], fc: 4, classes: [n, y] }\n  b: *h\n",
    );
    assert.deepEqual((await compileFile(`${dir}/shared.yaml`)).ir.heads.map((h) => h.name), ["a", "b"]);
    await Deno.writeTextFile(`${dir}/deep.yaml`, "[".repeat(5000) + "]".repeat(5000) + "\n");
    assert.match(await oneLineAsync(compileFile(`${dir}/deep.yaml`)), /deep\.yaml:\d+:\d+: /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const deep = parseJson(`{"name": "x", "heads": ${"[".repeat(10000)}${"]".repeat(10000)}}`, "deep.json");
  assert.equal(
    oneLine(() => compileSpec(deep, {}, "deep.json")),
    `deep.json: heads${"[0]".repeat(MAX_DEPTH - 1)}: nested more than ${MAX_DEPTH} levels deep`,
  );
});
