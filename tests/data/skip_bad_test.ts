/**
 * `--skip-bad` says what it skipped: how many, and the first few images by name (a row that names no
 * image by its `file:line`), for bad label rows and missing images as for images that do not decode.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { skippedSummary } from "../../src/data/mod.ts";
import { defaultPreprocessing, loadRunSplits } from "../../src/run/mod.ts";
import { celebaFixture } from "./fixtures.ts";
import { tempDir } from "../temp.ts";

Deno.test("skip-bad: the run's log names the skipped images and counts them", async () => {
  const dir = await tempDir("skip-bad-");
  await celebaFixture(join(dir, "ds"), {
    missing: ["000003.png"],
    corrupt: ["000002.png", "000005.png"],
    extraLines: ["000011.png 1"],
  });
  const lines: string[] = [];
  const sets = await loadRunSplits(
    {
      data: join(dir, "ds"),
      heads: [{ name: "smile", classes: ["no", "yes"], lossWeight: 1 }],
      skipBad: true,
      preprocessing: defaultPreprocessing(8),
    },
    ["train"],
    { cacheDir: join(dir, "cache"), log: (l) => lines.push(l) },
  );
  assert.deepEqual(sets.train.ids, ["000001.png", "000004.png", "000006.png"]);
  assert.deepEqual(lines.slice(0, 2), [
    `skipped 2 bad rows/images (--skip-bad): list_attr_celeba.txt:13, 000003.png`,
    "skipped 2 train images that did not decode (--skip-bad): 000002.png, 000005.png",
  ]);
});

Deno.test("skip-bad: the summary shows the first five and how many more", () => {
  const problems = Array.from({ length: 7 }, (_, i) => ({
    where: `/data/list_attr_celeba.txt:${i + 3}`,
    detail: "image not found",
    image: `00000${i + 1}.jpg`,
  }));
  assert.equal(
    skippedSummary(problems, "bad rows/images"),
    "skipped 7 bad rows/images (--skip-bad): 000001.jpg, 000002.jpg, 000003.jpg, 000004.jpg, 000005.jpg, … (2 more)",
  );
  assert.equal(
    skippedSummary([{ where: "/data/f.csv:9", detail: "bad box" }], "bad rows/images"),
    "skipped 1 bad rows/images (--skip-bad): f.csv:9",
  );
});
