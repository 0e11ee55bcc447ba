import type { TopLevelSpec } from "vega-lite";
import { renderVegaLite } from "./render.ts";
import { chartConfig } from "./style.ts";
import type { Chart, CurvePoint, LineChartSpec } from "./types.ts";

const METRICS = ["loss", "accuracy"] as const;
const SPLITS = ["train", "val"] as const;

/**
 * Training curves: one row per head (in order of first appearance), one column per metric
 * (loss, then accuracy), each plot titled `<head> · <metric>` with train and val as two lines over
 * the epochs. Points with a non-finite value (a diverged loss) are left out.
 */
export async function renderLineChart(spec: LineChartSpec): Promise<Chart> {
  return await renderVegaLite(lineChartSpec(spec), spec);
}

/** The Vega-Lite spec behind `renderLineChart`, for callers that want to change it before rendering. */
export function lineChartSpec(spec: LineChartSpec): TopLevelSpec {
  const points = spec.points.filter((p) => Number.isFinite(p.value) && Number.isFinite(p.epoch));
  if (points.length === 0) throw new RangeError("renderLineChart: no curve points with finite values");
  const heads = [...new Set(points.map((p) => p.head))];
  const width = spec.width ?? 260;
  const height = spec.height ?? 160;
  const rows = heads.map((head) => ({
    hconcat: METRICS.flatMap((metric) => {
      const values = points.filter((p) => p.head === head && p.metric === metric);
      return values.length === 0 ? [] : [cell(head, metric, values, width, height)];
    }),
  }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    ...(spec.title ? { title: { text: spec.title, anchor: "middle" as const, fontSize: 15 } } : {}),
    vconcat: rows,
    resolve: { scale: { y: "independent" } },
    config: chartConfig,
  };
}

function cell(head: string, metric: string, values: CurvePoint[], width: number, height: number) {
  return {
    title: `${head} · ${metric}`,
    width,
    height,
    data: { values: values.map(({ epoch, split, value }) => ({ epoch, split, value })) },
    mark: { type: "line" as const, point: { filled: true, size: 24 }, strokeWidth: 2 },
    encoding: {
      x: {
        field: "epoch",
        type: "quantitative" as const,
        title: "epoch",
        axis: { tickMinStep: 1, format: "d" },
        scale: { zero: false, nice: false, padding: 6 },
      },
      y: {
        field: "value",
        type: "quantitative" as const,
        title: metric,
        // Flush labels keep the top label inside the plot, so titles of a row line up.
        axis: { labelFlush: true },
        scale: { zero: false, padding: 6 },
      },
      color: {
        field: "split",
        type: "nominal" as const,
        title: "split",
        scale: { domain: [...SPLITS], range: ["#1f77b4", "#ff7f0e"] },
        legend: { symbolType: "stroke", symbolSize: 300, symbolStrokeWidth: 2 },
      },
      strokeDash: {
        field: "split",
        type: "nominal" as const,
        title: "split",
        scale: { domain: [...SPLITS], range: [[1, 0], [5, 3]] },
      },
    },
  };
}
