/**
 * Every input is checked before any training starts: `experiment A B` finds a missing or broken
 * second graph, a dataset without a head's attribute, a refused --out or a run folder in the way in
 * seconds, before training A, and leaves no run behind.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { EXPERIMENT } from "../../src/cli/experiment.ts";
import { isUserError } from "../../src/util/errors.ts";
import { fixtureData } from "../train/helpers.ts";

const fixture = (name: string) => new URL(`../train/fixtures/${name}`, import.meta.url).pathname;

async function refusal(args: string[]): Promise<string> {
  const log = console.log;
  console.log = () => {};
  try {
    const e = await EXPERIMENT.run([...args, "--backend", "cpu", "--seeds", "1", "--epochs-a", "1"]).then(
      () => null,
      (e) => e,
    );
    assert.ok(isUserError(e), `expected a UserError, got ${e}`);
    assert.equal(e.message.split("\n").filter((l: string) => !l.startsWith("usage:")).length, 1, e.message);
    return e.message;
  } finally {
    console.log = log;
  }
}

Deno.test("experiment checks graph B, the data, --out and the run folders before training graph A", async () => {
  const data = await fixtureData();
  const root = await Deno.makeTempDir();
  const [runs, out] = [join(root, "runs"), join(root, "out")];
  const base = ["--data", data, "--runs", runs, "--out", out];
  const a = fixture("tiny_tmtl.ts");

  assert.match(await refusal([a, join(root, "missing.ts"), ...base]), /missing\.ts/);
  await Deno.writeTextFile(join(root, "broken.json"), '{"name": "b", "input": [32, 32]}');
  assert.match(await refusal([a, join(root, "broken.json"), ...base]), /broken\.json/);
  assert.match(await refusal([a, a, ...base]), /same graph name as .*tiny_tmtl/);
  assert.match(
    await refusal([a, fixture("tiny_attention_mtl.ts"), ...base, "--data", root]),
    /not a dataset|no image folder/,
  );

  await Deno.mkdir(out, { recursive: true });
  await Deno.writeTextFile(join(out, "thesis.tex"), "mine");
  assert.match(
    await refusal([a, fixture("tiny_attention_mtl.ts"), ...base]),
    /--out .*out: the folder holds files/,
  );
  await Deno.remove(join(out, "thesis.tex"));

  const ls = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name);
  assert.deepEqual(await Deno.stat(runs).then(() => ls(runs), () => []), [], "nothing was trained");
});
