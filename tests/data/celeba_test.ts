import assert from "node:assert/strict";
import { join } from "node:path";
import { openDataset } from "../../src/data/mod.ts";
import { hashSplit } from "../../src/data/split.ts";
import { celebaFixture, defaultRows, includes, tempDir, userError } from "./fixtures.ts";

const HEADS = [{ head: "smile" }, { head: "gender" }];

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await tempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("celeba: CRLF and runs of spaces/tabs parse; -1 -> 0, 1 -> 1; heads bind by name", () =>
  withDir(async (dir) => {
    await celebaFixture(dir, { crlf: true });
    // Also a tab-separated row variant.
    const attr = join(dir, "list_attr_celeba.txt");
    await Deno.writeTextFile(
      attr,
      (await Deno.readTextFile(attr)).replace("000002.png   1", "000002.png\t 1"),
    );
    const ds = await openDataset(dir, HEADS);
    assert.deepEqual(ds.examples.length, 10);
    assert.deepEqual(ds.heads, [
      { head: "smile", attribute: "Smiling", classes: ["not_smiling", "smiling"] },
      { head: "gender", attribute: "Male", classes: ["female", "male"] },
    ]);
    const rows = defaultRows();
    ds.examples.forEach((e, i) => {
      assert.deepEqual(e.labels, { smile: rows[i][1][1] > 0 ? 1 : 0, gender: rows[i][1][0] > 0 ? 1 : 0 });
      assert.deepEqual(e.where, `${attr}:${i + 3}`);
    });
    assert.deepEqual(ds.examples[0].id, "000001.png");
    assert.deepEqual(ds.problems, []);
    assert.deepEqual(ds.notes, []);
  }));

Deno.test("celeba: partition 0/1/2 maps to train/val/test", () =>
  withDir(async (dir) => {
    await celebaFixture(dir);
    const ds = await openDataset(dir, HEADS);
    assert.deepEqual(ds.examples.map((e) => e.split), [
      ..."tttttt".split("").map(() => "train"),
      "val",
      "val",
      "test",
      "test",
    ]);
  }));

Deno.test("celeba: without a partition file the split is a deterministic hash split, and a note says so", () =>
  withDir(async (dir) => {
    const rows = defaultRows(60);
    await celebaFixture(dir, { rows, partition: null });
    const ds = await openDataset(dir, HEADS);
    assert.deepEqual(ds.examples.map((e) => e.split), rows.map(([id]) => hashSplit(id)));
    assert.deepEqual(ds.notes.length, 1);
    includes(ds.notes[0], "deterministic 80/10/10");
    const again = await openDataset(dir, HEADS);
    assert.deepEqual(again.examples.map((e) => e.split), ds.examples.map((e) => e.split));
  }));

Deno.test("celeba: unknown attribute is a UserError at line 2 with a suggestion", () =>
  withDir(async (dir) => {
    await celebaFixture(dir);
    const e = await userError(() => openDataset(dir, [{ head: "smile", attribute: "Smilng" }]));
    assert.deepEqual(e.where, `${join(dir, "list_attr_celeba.txt")}:2`);
    includes(e.detail, "unknown attribute 'Smilng'");
    includes(e.detail, "did you mean 'Smiling'?");
  }));

Deno.test("celeba: wrong field count names the line; skipBad skips and counts it", () =>
  withDir(async (dir) => {
    const rows = defaultRows();
    await celebaFixture(dir, { rows, extraLines: ["000011.png  1  -1"] });
    const attr = join(dir, "list_attr_celeba.txt");
    const e = await userError(() => openDataset(dir, HEADS));
    assert.deepEqual(e.where, `${attr}:13`);
    includes(e.detail, "expected 4 fields (image and 3 attributes), found 3");
    includes(e.detail, "--skip-bad");
    const ds = await openDataset(dir, HEADS, { skipBad: true });
    assert.deepEqual(ds.examples.length, 10);
    assert.deepEqual(ds.problems, [{
      where: `${attr}:13`,
      detail: "expected 4 fields (image and 3 attributes), found 3",
    }]);
  }));

Deno.test("celeba: missing image names the label line; skipBad counts it", () =>
  withDir(async (dir) => {
    await celebaFixture(dir, { missing: ["000003.png", "000004.png"] });
    const e = await userError(() => openDataset(dir, HEADS));
    assert.deepEqual(e.where, `${join(dir, "list_attr_celeba.txt")}:5`);
    includes(e.detail, "image 000003.png not found");
    includes(e.detail, "and 1 more problem");
    const ds = await openDataset(dir, HEADS, { skipBad: true });
    assert.deepEqual(ds.examples.length, 8);
    assert.deepEqual(ds.problems.length, 2);
  }));

Deno.test("celeba: a bad label value and a bad partition value are problems", () =>
  withDir(async (dir) => {
    await celebaFixture(dir);
    const attr = join(dir, "list_attr_celeba.txt");
    await Deno.writeTextFile(
      attr,
      (await Deno.readTextFile(attr)).replace("000005.png  -1  -1", "000005.png  -1  x"),
    );
    const part = join(dir, "list_eval_partition.txt");
    await Deno.writeTextFile(part, (await Deno.readTextFile(part)).replace("000002.png 0", "000002.png 7"));
    const ds = await openDataset(dir, HEADS, { skipBad: true });
    assert.deepEqual(ds.problems.map((p) => p.where), [`${attr}:7`, `${part}:2`, `${attr}:4`]);
    includes(ds.problems[0].detail, "value 'x' of Smiling is not -1 or 1");
    includes(ds.problems[2].detail, "not listed in");
    assert.deepEqual(ds.examples.length, 8);
  }));

Deno.test("celeba: an empty split is a UserError even with skipBad", () =>
  withDir(async (dir) => {
    await celebaFixture(dir, { partition: [0, 0, 0, 0, 0, 0, 0, 0, 2, 2] });
    const e = await userError(() => openDataset(dir, HEADS, { skipBad: true }));
    assert.deepEqual(e.where, join(dir, "list_eval_partition.txt"));
    includes(e.detail, "the val split is empty (train 8, val 0, test 2 usable images)");
  }));

Deno.test("celeba: a YAML spec renames parts and maps heads to other attributes (LFWA-style)", () =>
  withDir(async (dir) => {
    const data = join(dir, "lfwa");
    await celebaFixture(data, { names: ["Male", "Smiling", "Young"] });
    await Deno.rename(join(data, "img_align_celeba"), join(data, "lfw"));
    await Deno.rename(join(data, "list_attr_celeba.txt"), join(data, "lfwa_attr.txt"));
    await Deno.writeTextFile(
      join(dir, "lfwa.yaml"),
      [
        "format: celeba",
        "root: lfwa",
        "images: lfw",
        "attributes: lfwa_attr.txt",
        "heads:",
        "  smile: Smiling",
        "  age: { attribute: Young, classes: [old, young] }",
      ].join("\n"),
    );
    const ds = await openDataset(join(dir, "lfwa.yaml"), [{ head: "smile" }, { head: "age" }]);
    assert.deepEqual(ds.name, "lfwa");
    assert.deepEqual(ds.heads[1], { head: "age", attribute: "Young", classes: ["old", "young"] });
    assert.ok(ds.examples.every((e) => e.labels.age === 1));
    assert.ok(ds.examples[0].file.endsWith("lfwa/lfw/000001.png"));
  }));

Deno.test("celeba: YAML spec mistakes name the field and line", () =>
  withDir(async (dir) => {
    await celebaFixture(dir);
    const spec = join(dir, "bad.yaml");
    await Deno.writeTextFile(spec, "format: celeba\nimagez: img\n");
    let e = await userError(() => openDataset(spec, HEADS));
    assert.deepEqual(e.where, `${spec}:2`);
    includes(e.message, "imagez: unknown key; did you mean 'images'?");
    await Deno.writeTextFile(
      spec,
      "format: celeba\nheads:\n  smile:\n    attribute: Smiling\n    clases: [a, b]\n",
    );
    e = await userError(() => openDataset(spec, HEADS));
    includes(e.message, "heads.smile");
    includes(e.detail, "did you mean 'classes'?");
    await Deno.writeTextFile(spec, "format: celebb\n");
    e = await userError(() => openDataset(spec, HEADS));
    assert.deepEqual(e.where, `${spec}:1`);
    includes(e.detail, "format");
  }));
