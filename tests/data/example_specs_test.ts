import assert from "node:assert/strict";
import { loadSpec } from "../../src/data/spec.ts";

const dir = new URL("../../examples/datasets/", import.meta.url).pathname;

Deno.test("example dataset specs in examples/datasets validate against the dataset schema", async () => {
  const files = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".yaml")).map((e) => e.name).sort();
  assert.deepEqual(files, ["fotw_smile_gender.yaml", "lfwa.yaml"]);
  const formats = await Promise.all(files.map(async (f) => (await loadSpec(dir + f)).spec.format));
  assert.deepEqual(formats, ["bbox-csv", "celeba"]);
});
