import type { Config } from "vega-lite";

/** Look shared by every chart: white background, DejaVu-compatible sans font, quiet axes. */
export const chartConfig: Config = {
  background: "white",
  font: "DejaVu Sans, Helvetica, Arial, sans-serif",
  padding: 8,
  title: { fontSize: 13, fontWeight: "bold" },
  axis: { labelFontSize: 10, titleFontSize: 11, gridColor: "#e6e6e6" },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: "right", labelLimit: 0 },
  view: { stroke: "#bbbbbb" },
};
