/** Charts: SVG content (titles, legend, marks), PNG size and ink, fonts, atomic writes. */
import assert from "node:assert/strict";
import {
  canRenderText,
  type CurvePoint,
  renderLineChart,
  renderScatterPanels,
  type ScatterPanel,
  writeChart,
} from "../../src/eval/plot/mod.ts";
import { count, pngStats, svgTexts } from "./plot_helpers.ts";

const HEADS = ["smile", "gender"];
const EPOCHS = 5;

function curves(): CurvePoint[] {
  const out: CurvePoint[] = [];
  for (const head of HEADS) {
    for (const split of ["train", "val"] as const) {
      for (let epoch = 1; epoch <= EPOCHS; epoch++) {
        const gap = split === "val" ? 0.05 : 0;
        out.push({ epoch, head, split, metric: "loss", value: 0.7 / epoch + gap });
        out.push({ epoch, head, split, metric: "accuracy", value: 0.9 - 0.3 / epoch - gap });
      }
    }
  }
  return out;
}

const GROUPS = ["male · non-smiling", "male · smiling", "female · non-smiling", "female · smiling"];
const PANELS = ["FC_S", "FC_S|CG", "FC_G", "FC_G|CS"];
const PER_PANEL = 40;

function panels(): ScatterPanel[] {
  return PANELS.map((title, k) => {
    const points: number[][] = [];
    const groups: string[] = [];
    for (let i = 0; i < PER_PANEL; i++) {
      const g = i % 4;
      groups.push(GROUPS[g]);
      points.push([Math.cos(g * 1.6 + k) * 10 + (i % 7) * 0.3, Math.sin(g * 1.6) * 10 + (i % 5) * 0.3]);
    }
    return { title, points, groups };
  });
}

Deno.test("line chart: a titled plot per head and metric, one line per split, legend", async () => {
  const chart = await renderLineChart({ points: curves(), title: "Training curves" });
  const texts = svgTexts(chart.svg);
  for (const head of HEADS) {
    for (const metric of ["loss", "accuracy"]) assert.ok(texts.includes(`${head} · ${metric}`));
  }
  assert.ok(texts.includes("Training curves"));
  assert.ok(texts.includes("train") && texts.includes("val") && texts.includes("split"));
  assert.equal(count(chart.svg, 'aria-roledescription="line mark"'), HEADS.length * 2 * 2);
  assert.equal(count(chart.svg, 'aria-roledescription="point"'), HEADS.length * 2 * 2 * EPOCHS);
});

Deno.test("line chart: non-finite values are left out; a missing metric drops its plot", async () => {
  const points = curves().filter((p) => p.metric === "loss");
  points[0] = { ...points[0], value: NaN };
  const chart = await renderLineChart({ points });
  assert.equal(count(chart.svg, 'aria-roledescription="point"'), HEADS.length * 2 * EPOCHS - 1);
  assert.ok(!svgTexts(chart.svg).some((t) => t.includes("accuracy")));
  await assert.rejects(() => renderLineChart({ points: [] }), /no curve points/);
});

Deno.test("line chart PNG: expected size, not blank, title text inked", async () => {
  const chart = await renderLineChart({ points: curves(), title: "Training curves", scale: 2 });
  const s = await pngStats(chart.png);
  assert.equal(s.width, Math.round(chart.width * 2));
  assert.equal(s.height, Math.round(chart.height * 2));
  assert.ok(s.variance > 100, `variance ${s.variance}`);
  // The figure title sits alone in the top strip: with no font, librsvg leaves it white.
  const top = await pngStats(chart.png, { left: 0, top: 0, width: s.width!, height: 40 });
  assert.ok(top.dark > 50, `title strip has ${top.dark} dark pixels; fonts missing? (fonts-dejavu-core)`);
});

Deno.test("scatter panels: titles, legend entries and one symbol per point", async () => {
  const chart = await renderScatterPanels(panels(), { title: "t-SNE", groupOrder: GROUPS });
  const texts = svgTexts(chart.svg);
  for (const t of [...PANELS, ...GROUPS, "t-SNE", "group"]) assert.ok(texts.includes(t), `missing text ${t}`);
  assert.equal(count(chart.svg, 'aria-roledescription="point"'), PANELS.length * PER_PANEL);
  assert.equal(count(chart.svg, 'class="mark-symbol role-legend-symbol"'), GROUPS.length);
  assert.equal(svgTexts(chart.svg).filter((t) => GROUPS.includes(t)).length, GROUPS.length);
});

Deno.test("scatter panels PNG: expected size and not blank", async () => {
  const chart = await renderScatterPanels(panels(), { scale: 1 });
  const s = await pngStats(chart.png);
  assert.equal(s.width, Math.round(chart.width));
  assert.equal(s.height, Math.round(chart.height));
  assert.ok(s.variance > 100, `variance ${s.variance}`);
});

Deno.test("scatter panels reject mismatched points and groups", async () => {
  const bad = { title: "x", points: [[0, 0], [1, 1]], groups: ["a"] };
  await assert.rejects(() => renderScatterPanels([bad]), /2 points but 1 groups/);
  await assert.rejects(() => renderScatterPanels([]), /no panels/);
  const nan = { title: "y", points: [[0, NaN]], groups: ["a"] };
  await assert.rejects(() => renderScatterPanels([nan]), /not a finite 2-D point/);
});

Deno.test("fonts: sharp/librsvg draws SVG text (needs a font, e.g. Debian fonts-dejavu-core)", async () => {
  assert.ok(await canRenderText(), "no usable font for librsvg: install fonts-dejavu-core");
});

Deno.test("text with markup characters is escaped in the SVG", async () => {
  const chart = await renderScatterPanels([{
    title: 'a < b & "c"',
    points: [[0, 0], [1, 1]],
    groups: ["x&y", "<z>"],
  }]);
  assert.deepEqual(svgTexts(chart.svg), ['a &lt; b &amp; "c"', "x&amp;y", "&lt;z&gt;", "group"]);
  const s = await pngStats(chart.png);
  assert.ok(s.variance > 0);
});

Deno.test("writeChart writes <base>.svg and <base>.png and leaves no temp files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const chart = await renderLineChart({ points: curves(), scale: 1 });
    const paths = await writeChart(`${dir}/sub/curves`, chart);
    assert.deepEqual(paths, { svg: `${dir}/sub/curves.svg`, png: `${dir}/sub/curves.png` });
    assert.equal(await Deno.readTextFile(paths.svg), chart.svg);
    assert.deepEqual(await Deno.readFile(paths.png), chart.png);
    const names = [...Deno.readDirSync(`${dir}/sub`)].map((e) => e.name).sort();
    assert.deepEqual(names, ["curves.png", "curves.svg"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
