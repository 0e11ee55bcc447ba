/**
 * The label-file parsers' edge cases, each with the value it must give or the one line it must fail
 * with: CelebA values (`1`, `+1`, `-1`, `0` and what is not one of them), an image listed twice, a count
 * on line 1 that disagrees with the rows, a partition listing an image twice; CSV `""` escapes, quoted
 * delimiters and newlines (with the line numbers of later rows), and a quote that is never closed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseAttributes, parsePartition } from "../../src/data/celeba.ts";
import { parseCsv } from "../../src/data/csv.ts";
import { openDataset } from "../../src/data/mod.ts";
import { Problems } from "../../src/data/problems.ts";
import { celebaFixture, defaultRows, solidImage, userError } from "./fixtures.ts";
import { tempDir } from "../temp.ts";

const SMILE = [{ head: "smile", attribute: "Smiling", classes: ["no", "yes"] }];
const SKIP = "; fix the data or pass --skip-bad to skip bad entries";

/** One attribute file row `000001.jpg <value>` under `Smiling`, parsed; the label or the problem. */
function parseValue(value: string): number | string {
  const problems = new Problems(true);
  const rows = parseAttributes(`1\nSmiling\n000001.jpg ${value}\n`, "attr.txt", SMILE, problems);
  if (problems.list.length > 0) return problems.list.map((p) => `${p.where}: ${p.detail}`).join("; ");
  return rows[0].labels.smile;
}

Deno.test("celeba values: 1 and +1 are class 1, -1 and 0 are class 0; anything else names the row", () => {
  const table: [string, number | string][] = [
    ["1", 1],
    ["+1", 1],
    ["-1", 0],
    ["0", 0],
    ["2", "attr.txt:3: value '2' of Smiling is not -1 or 1"],
    ["-2", "attr.txt:3: value '-2' of Smiling is not -1 or 1"],
    ["1.0", "attr.txt:3: value '1.0' of Smiling is not -1 or 1"],
    ["+0", "attr.txt:3: value '+0' of Smiling is not -1 or 1"],
    ["yes", "attr.txt:3: value 'yes' of Smiling is not -1 or 1"],
  ];
  for (const [value, expected] of table) assert.equal(parseValue(value), expected, `value '${value}'`);
});

Deno.test("celeba rows: an image listed twice, a wrong count on line 1, a missing count line", () => {
  const parse = (text: string) => {
    const problems = new Problems(true);
    const rows = parseAttributes(text, "attr.txt", SMILE, problems);
    return { ids: rows.map((r) => r.id), problems: problems.list.map((p) => `${p.where}: ${p.detail}`) };
  };
  assert.deepEqual(parse("3\nSmiling\na.jpg 1\nb.jpg -1\na.jpg -1\n"), {
    ids: ["a.jpg", "b.jpg"],
    problems: ["attr.txt:5: image a.jpg is listed twice (first on line 3)"],
  });
  assert.deepEqual(parse("5\nSmiling\na.jpg 1\n\nb.jpg -1\n"), {
    ids: ["a.jpg", "b.jpg"],
    problems: ["attr.txt:1: says 5 images but 2 rows follow"],
  });
  assert.deepEqual(parse("1\nSmiling\na.jpg 1\nb.jpg 1\n").problems, [
    "attr.txt:1: says 1 images but 2 rows follow",
  ]);
  assert.throws(
    () => parse("Smiling\na.jpg 1\n"),
    (e: Error) => e.message === "attr.txt:1: expected the number of images, found 'Smiling'",
  );
  assert.throws(
    () => parse("1\n\na.jpg 1\n"),
    (e: Error) => e.message === "attr.txt:2: expected the attribute names, found an empty line",
  );
});

Deno.test("celeba partition: an image listed twice and a bad split value are problems naming the line", () => {
  const problems = new Problems(true);
  const splits = parsePartition("a.jpg 0\nb.jpg 1\na.jpg 2\nc.jpg 3\nd.jpg\n", "part.txt", problems);
  assert.deepEqual([...splits], [["a.jpg", "train"], ["b.jpg", "val"]]);
  assert.deepEqual(problems.list.map((p) => `${p.where}: ${p.detail}`), [
    "part.txt:3: image a.jpg is listed twice (first on line 1)",
    "part.txt:4: split '3' is not 0 (train), 1 (val) or 2 (test)",
    "part.txt:5: expected 2 fields (image and 0/1/2), found 1",
  ]);
});

Deno.test("celeba dataset: each edge case stops the run with one line, or is skipped and named with --skip-bad", async () => {
  const dir = await tempDir("parsers-");
  const heads = [{ head: "smile" }, { head: "gender" }];
  const attr = join(dir, "list_attr_celeba.txt");
  const rows = defaultRows();
  await celebaFixture(dir, { rows: [...rows.slice(0, 5), [rows[2][0], [1, 1, 1]], ...rows.slice(5)] });
  // Line 1 says 11 (the rows written); the partition file lists the image twice too.
  let e = await userError(() => openDataset(dir, heads));
  assert.equal(
    e.message,
    `${attr}:8: image 000003.png is listed twice (first on line 5) (and 1 more problem)${SKIP}`,
  );
  const skipped = await openDataset(dir, heads, { skipBad: true });
  assert.deepEqual(skipped.problems.map((p) => `${p.where}: ${p.detail}`), [
    `${attr}:8: image 000003.png is listed twice (first on line 5)`,
    `${join(dir, "list_eval_partition.txt")}:6: image 000003.png is listed twice (first on line 3)`,
  ]);
  assert.equal(skipped.examples.length, 10);

  await celebaFixture(dir);
  await Deno.writeTextFile(attr, (await Deno.readTextFile(attr)).replace(/^10\n/, "12\n"));
  e = await userError(() => openDataset(dir, heads));
  assert.equal(e.message, `${attr}:1: says 12 images but 10 rows follow${SKIP}`);

  await celebaFixture(dir);
  const text = await Deno.readTextFile(attr);
  const edited = text.replace(/^000005\.png .*$/m, "000005.png 0 +1 1");
  assert.notEqual(edited, text);
  await Deno.writeTextFile(attr, edited);
  const ds = await openDataset(dir, heads);
  assert.deepEqual(ds.examples[4].labels, { smile: 1, gender: 0 }, "Male 0 is -1, Smiling +1 is 1");
});

Deno.test('csv: quotes, "" escapes, quoted delimiters and newlines, spaces, blank lines, BOM, CR', () => {
  const table: [string, [number, string[]][]][] = [
    ['a,"b""c",d\n', [[1, ["a", 'b"c', "d"]]]],
    ['a,"",c\n', [[1, ["a", "", "c"]]]],
    ['"a,b",c\n', [[1, ["a,b", "c"]]]],
    ['"""quoted"""\n', [[1, ['"quoted"']]]],
    ['"x\ny",z\nq,r\n', [[1, ["x\ny", "z"]], [3, ["q", "r"]]]],
    ['"x\r\ny",z\r\nq,r\r\n', [[1, ["x\r\ny", "z"]], [3, ["q", "r"]]]],
    ['"two\n\nbreaks",1\nnext,2', [[1, ["two\n\nbreaks", "1"]], [4, ["next", "2"]]]],
    [' "a" , b ,c \n', [[1, ["a", "b", "c"]]]],
    ['" kept "\n', [[1, [" kept "]]]],
    ["a,b,\n", [[1, ["a", "b", ""]]]],
    ["a\n\n\nb\n", [[1, ["a"]], [4, ["b"]]]],
    ["\ufeffimage,smile\nx.jpg,1", [[1, ["image", "smile"]], [2, ["x.jpg", "1"]]]],
    ["a\rb\r", [[1, ["a"]], [2, ["b"]]]],
    ['ab"c,d\n', [[1, ['ab"c', "d"]]]],
  ];
  for (const [text, expected] of table) {
    assert.deepEqual(
      parseCsv(text).map((r) => [r.line, r.fields]),
      expected,
      JSON.stringify(text),
    );
  }
  assert.deepEqual(parseCsv("a;b\n1;2\n", ";").map((r) => r.fields), [["a", "b"], ["1", "2"]]);
  assert.deepEqual(parseCsv("a\tb\n", "\t")[0].fields, ["a", "b"]);
});

Deno.test("csv: a quote that is never closed is one line naming the file and the line it opens on", () => {
  for (
    const [text, line] of [['a,b\n1,"2\n3,4\n', 2], ['"x', 1], ['a\n\n"b""', 3]] as const
  ) {
    assert.throws(
      () => parseCsv(text, ",", "faces.csv"),
      (e: Error) =>
        e.name === "UserError" &&
        e.message === `faces.csv:${line}: a quoted field opened on this line is never closed (missing ")`,
      JSON.stringify(text),
    );
  }
});

Deno.test("bbox-csv: a row after a quoted multi-line field is named by its own line", async () => {
  const dir = await tempDir("parsers-");
  await solidImage(join(dir, "a.png"), 20, 20, [200, 10, 10]);
  await Deno.writeTextFile(
    join(dir, "spec.yaml"),
    [
      "format: bbox-csv",
      "csv: faces.csv",
      "columns: { image: file, split: split }",
      "heads:",
      "  smile: { column: smile }",
      "  gender: { column: gender }",
    ].join("\n"),
  );
  const csv = join(dir, "faces.csv");
  await Deno.writeTextFile(
    csv,
    [
      "file,smile,gender,split,note",
      'a.png,1,0,train,"said ""hi""\nover two lines"',
      "a.png,0,1,val,",
      "a.png,7,1,train,",
    ].join("\n") + "\n",
  );
  const heads = [{ head: "smile", classes: ["no", "yes"] }, { head: "gender", classes: ["f", "m"] }];
  const e = await userError(() => openDataset(join(dir, "spec.yaml"), heads));
  assert.equal(
    e.message,
    `${csv}:5: value '7' of column 'smile' maps to no class of head 'smile' (expected no, 0, yes, 1)${SKIP}`,
  );
  const ds = await openDataset(join(dir, "spec.yaml"), heads, { skipBad: true });
  assert.deepEqual(ds.examples.map((x) => [x.where, x.labels]), [
    [`${csv}:2`, { smile: 1, gender: 0 }],
    [`${csv}:4`, { smile: 0, gender: 1 }],
  ]);
});
