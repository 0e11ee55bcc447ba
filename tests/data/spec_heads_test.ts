/**
 * A dataset spec's head mapping against a graph's heads: the spec's names win (a bbox CSV's
 * `heads.<h>.column`, a CelebA spec's attribute), so the shipped example specs open with the heads of
 * graphs/tmtl.ts; a misspelt head or attribute in a spec is one line naming it, never a silent default.
 */
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { parse, stringify } from "yaml";
import { compileFile } from "../../src/compiler/mod.ts";
import { openDataset } from "../../src/data/mod.ts";
import type { HeadRequest } from "../../src/data/types.ts";
import { headRequests } from "../../src/run/data.ts";
import { celebaFixture, solidImage, userError } from "./fixtures.ts";
import { tempDir } from "../temp.ts";

const root = new URL("../../", import.meta.url).pathname;

/** What the data layer is asked for when graphs/tmtl.ts trains: its heads' attributes and classes. */
async function tmtlHeads(): Promise<HeadRequest[]> {
  const { ir } = await compileFile(join(root, "graphs/tmtl.ts"));
  return headRequests(ir.heads.map((h) => ({ ...h, lossWeight: 1 })));
}

/** The example spec with its data paths pointed at `dir` (the `heads` section left as shipped). */
async function exampleSpec(name: string, dir: string, paths: Record<string, string>): Promise<string> {
  const spec = parse(await Deno.readTextFile(join(root, "examples/datasets", name)));
  for (const [key, value] of Object.entries(paths)) {
    assert.ok(key in spec, `${name} has ${key}`);
    spec[key] = value;
  }
  const file = join(dir, basename(name));
  await Deno.writeTextFile(file, stringify(spec));
  return file;
}

Deno.test("examples/datasets/fotw_smile_gender.yaml opens with graphs/tmtl.ts's heads: its columns win", async () => {
  const heads = await tmtlHeads();
  assert.deepEqual(heads.map((h) => h.attribute), ["Smiling", "Male"], "the graph names CelebA attributes");
  const dir = await tempDir("spec-heads-");
  await Deno.mkdir(join(dir, "images"));
  for (const f of ["a.jpg", "b.jpg"]) await solidImage(join(dir, "images", f), 40, 40, [90, 120, 150]);
  await Deno.writeTextFile(
    join(dir, "train_val.csv"),
    [
      "image,x,y,width,height,split,smile,gender",
      "a.jpg,0,0,20,20,0,1,0",
      "a.jpg,20,20,20,20,0,0,1",
      "b.jpg,5,5,30,30,1,1,1",
    ].join("\n") + "\n",
  );
  const spec = await exampleSpec("fotw_smile_gender.yaml", dir, {
    csv: join(dir, "train_val.csv"),
    images: join(dir, "images"),
  });
  const ds = await openDataset(spec, heads);
  assert.deepEqual(ds.heads, [
    { head: "smile", attribute: "smile", classes: ["non-smile", "smile"] },
    { head: "gender", attribute: "gender", classes: ["female", "male"] },
  ]);
  assert.deepEqual(ds.examples.map((e) => [e.id, e.box, e.labels, e.split]), [
    ["a.jpg", [0, 0, 20, 20], { smile: 1, gender: 0 }, "train"],
    ["a.jpg#2", [20, 20, 20, 20], { smile: 0, gender: 1 }, "train"],
    ["b.jpg", [5, 5, 30, 30], { smile: 1, gender: 1 }, "val"],
  ]);
  assert.deepEqual(ds.notes, []);
});

Deno.test("examples/datasets/lfwa.yaml opens with graphs/tmtl.ts's heads", async () => {
  const dir = await tempDir("spec-heads-");
  await celebaFixture(dir, { names: ["Male", "Smiling", "Young"] });
  await Deno.rename(join(dir, "img_align_celeba"), join(dir, "lfw"));
  await Deno.rename(join(dir, "list_attr_celeba.txt"), join(dir, "list_attr_lfwa.txt"));
  await Deno.rename(join(dir, "list_eval_partition.txt"), join(dir, "list_eval_partition_lfwa.txt"));
  const spec = await exampleSpec("lfwa.yaml", dir, { root: dir });
  const ds = await openDataset(spec, await tmtlHeads());
  assert.deepEqual(ds.heads, [
    { head: "smile", attribute: "Smiling", classes: ["non-smile", "smile"] },
    { head: "gender", attribute: "Male", classes: ["female", "male"] },
  ]);
  assert.equal(ds.examples.length, 10);
  // Row i of the fixture: Male is 1 for odd i, Smiling is 1 when i is a multiple of 3.
  assert.deepEqual(ds.examples.map((e) => [e.labels.smile, e.labels.gender]).slice(0, 4), [
    [1, 0],
    [0, 1],
    [0, 0],
    [1, 1],
  ]);
  assert.deepEqual(ds.notes, []);
});

Deno.test("a CelebA spec's attribute wins over the graph's; a misspelt head or attribute is one line naming it", async () => {
  const dir = await tempDir("spec-heads-");
  await celebaFixture(dir, { names: ["Male", "Smiling", "Young"] });
  const spec = join(dir, "set.yaml");
  const heads = await tmtlHeads();
  const attr = join(dir, "list_attr_celeba.txt");
  const withHeads = (lines: string[]) =>
    Deno.writeTextFile(spec, ["format: celeba", "heads:", ...lines].join("\n"));

  await withHeads(["  smile: Young"]);
  const ds = await openDataset(spec, heads);
  assert.equal(ds.heads[0].attribute, "Young", "the spec's mapping, not the graph's Smiling");
  assert.ok(ds.examples.every((e) => e.labels.smile === 1), "every fixture row is Young");

  await withHeads(["  smiel: Smiling", "  gender: Male"]);
  let e = await userError(() => openDataset(spec, heads));
  assert.equal(
    e.message,
    `${spec}: heads.smiel: no head 'smiel' in the graph (did you mean 'smile'?); its heads are smile, gender`,
  );

  await withHeads(["  smile: Smilng"]);
  e = await userError(() => openDataset(spec, heads));
  assert.equal(
    e.message,
    `${attr}:2: unknown attribute 'Smilng' for head 'smile' (heads.smile in ${spec}); did you mean 'Smiling'?`,
  );

  await withHeads(["  smile: { attribute: Smiling }", "  eyeglasses: Eyeglasses"]);
  const extra = await openDataset(spec, heads);
  assert.deepEqual(extra.notes, [
    `${spec}: heads.eyeglasses is not a head of this graph (smile, gender); ignored`,
  ]);
});

Deno.test("a bbox-CSV spec's misspelt head is one line naming it", async () => {
  const dir = await tempDir("spec-heads-");
  await solidImage(join(dir, "a.png"), 10, 10, [1, 2, 3]);
  await Deno.writeTextFile(join(dir, "f.csv"), "path,happy,sex\na.png,1,0\n");
  const spec = join(dir, "f.yaml");
  await Deno.writeTextFile(
    spec,
    "format: bbox-csv\ncsv: f.csv\ncolumns: { image: path }\nheads:\n  smile: { column: happy }\n" +
      "  gendr: { column: sex }\n",
  );
  const e = await userError(() =>
    openDataset(spec, [{ head: "smile" }, { head: "gender", attribute: "Male" }])
  );
  assert.equal(
    e.message,
    `${spec}: heads.gendr: no head 'gendr' in the graph (did you mean 'gender'?); its heads are smile, gender`,
  );
  // Without the spec naming a column, the graph's attribute is looked for, and the error says how to map it.
  await Deno.writeTextFile(spec, "format: bbox-csv\ncsv: f.csv\ncolumns: { image: path }\n");
  const missing = await userError(() => openDataset(spec, [{ head: "gender", attribute: "Male" }]));
  assert.equal(
    missing.message,
    `${join(dir, "f.csv")}:1: no column 'Male' (the graph's attribute of head 'gender'; map it with ` +
      `heads.gender.column in ${spec}); columns: path, happy, sex`,
  );
});
