import type { TopLevelSpec } from "vega-lite";
import { renderVegaLite } from "./render.ts";
import { chartConfig } from "./style.ts";
import type { Chart, ScatterOptions, ScatterPanel } from "./types.ts";

/** Colours (d3 category10, first eight) and shapes, repeating for more groups. */
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];
const SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"];

/**
 * t-SNE panels side by side (e.g. `FC_S`, `FC_S|CG`, `FC_G`, `FC_G|CS`): each panel is a scatter
 * of 2-D points, coloured and shaped by group (e.g. `female · smiling`), with its title above and one
 * shared legend. Axes carry no ticks, since t-SNE coordinates have no units.
 */
export async function renderScatterPanels(
  panels: readonly ScatterPanel[],
  opts: ScatterOptions = {},
): Promise<Chart> {
  return await renderVegaLite(scatterPanelsSpec(panels, opts), opts);
}

/** The Vega-Lite spec behind `renderScatterPanels`. */
export function scatterPanelsSpec(panels: readonly ScatterPanel[], opts: ScatterOptions = {}): TopLevelSpec {
  if (panels.length === 0) throw new RangeError("renderScatterPanels: no panels");
  for (const p of panels) checkPanel(p);
  const order = opts.groupOrder ?? [...new Set(panels.flatMap((p) => p.groups))];
  const size = opts.size ?? 260;
  const columns = opts.columns ?? (panels.length === 4 ? 2 : Math.min(panels.length, 4));
  const legendTitle = opts.legendTitle ?? "group";
  const colors = order.map((_, i) => PALETTE[i % PALETTE.length]);
  const shapes = order.map((_, i) => SHAPES[i % SHAPES.length]);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    ...(opts.title ? { title: { text: opts.title, anchor: "middle" as const, fontSize: 15 } } : {}),
    columns,
    concat: panels.map((p) => ({
      title: p.title,
      width: size,
      height: size,
      data: { values: p.points.map((xy, i) => ({ x: xy[0], y: xy[1], group: p.groups[i] })) },
      mark: { type: "point" as const, filled: true, size: 22, opacity: 0.75 },
      encoding: {
        x: { field: "x", type: "quantitative" as const, axis: null, scale: { zero: false, padding: 8 } },
        y: { field: "y", type: "quantitative" as const, axis: null, scale: { zero: false, padding: 8 } },
        color: {
          field: "group",
          type: "nominal" as const,
          title: legendTitle,
          scale: { domain: [...order], range: colors },
        },
        shape: {
          field: "group",
          type: "nominal" as const,
          title: legendTitle,
          scale: { domain: [...order], range: shapes },
        },
      },
    })),
    config: chartConfig,
  };
}

function checkPanel(p: ScatterPanel): void {
  if (p.points.length !== p.groups.length) {
    throw new RangeError(
      `renderScatterPanels: panel "${p.title}" has ${p.points.length} points but ${p.groups.length} groups`,
    );
  }
  p.points.forEach((xy, i) => {
    if (xy.length < 2 || !Number.isFinite(xy[0]) || !Number.isFinite(xy[1])) {
      throw new RangeError(`renderScatterPanels: panel "${p.title}", point ${i} is not a finite 2-D point`);
    }
  });
}
