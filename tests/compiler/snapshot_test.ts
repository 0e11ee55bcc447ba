import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { basename } from "node:path";
import { compileFile } from "../../src/compiler/mod.ts";
import { lowerToModel } from "../../src/compiler/lower.ts";
import { irToJson } from "../../src/compiler/emit/json.ts";
import { assertSnapshot, SnapshotMismatch } from "../snapshot.ts";
import { tempDir } from "../temp.ts";

const root = new URL("../../", import.meta.url).pathname;

/** Every graph the project ships: the paper's and the examples. */
async function graphFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const dir of ["graphs", "examples"]) {
    for await (const e of Deno.readDir(root + dir)) {
      if (e.isFile && /\.(ts|ya?ml|json)$/.test(e.name)) files.push(`${dir}/${e.name}`);
    }
  }
  return files.sort();
}

for (const file of await graphFiles()) {
  Deno.test(`snapshot: ${file} lowers to its stored IR and tfjs topology`, async () => {
    await tf.setBackend("cpu");
    const { ir } = await compileFile(root + file);
    const model = lowerToModel(ir);
    const topology = JSON.stringify(model.toJSON(null, false), null, 1) + "\n";
    tf.disposeVariables();
    const name = `${basename(file).replace(/\./g, "_")}`;
    await assertSnapshot(`${name}.ir.json`, irToJson(ir));
    await assertSnapshot(`${name}.model.json`, topology);
  });
}

Deno.test("snapshot: a mismatch fails with a readable unified diff", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/x.txt`, "units: 64\nactivation: relu\n");
    const err = await assertSnapshot("x.txt", "units: 32\nactivation: relu\n", { dir, update: false }).then(
      () => null,
      (e) => e,
    );
    assert.ok(err instanceof SnapshotMismatch);
    assert.match(err.message, /^-units: 64$/m);
    assert.match(err.message, /^\+units: 32$/m);
    assert.match(err.message, /snapshot:update/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("snapshot: a missing snapshot fails (CI or not) and writes nothing; only an update writes it", async () => {
  const dir = await tempDir("snapshot-");
  const ci = Deno.env.get("CI");
  try {
    for (const env of [undefined, "true"]) {
      if (env === undefined) Deno.env.delete("CI");
      else Deno.env.set("CI", env);
      const err = await assertSnapshot("new.txt", "units: 64\n", { dir, update: false }).then(
        () => null,
        (e) => e,
      );
      assert.ok(err instanceof SnapshotMismatch, `CI=${env}`);
      assert.match(
        err.message,
        /^no snapshot new\.txt in .*; run `deno task snapshot:update`, review it and commit it$/,
      );
      assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing written");
    }
  } finally {
    if (ci === undefined) Deno.env.delete("CI");
    else Deno.env.set("CI", ci);
  }
  await assertSnapshot("new.txt", "units: 64\n", { dir, update: true });
  assert.equal(await Deno.readTextFile(`${dir}/new.txt`), "units: 64\n");
  await assertSnapshot("new.txt", "units: 64\n", { dir, update: false });
});
