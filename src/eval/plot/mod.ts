/**
 * Charts for the runtime: training curves and t-SNE panels, as SVG and PNG.
 * Vega-Lite specs are compiled by `vega-lite`, drawn headless by `vega` (SVG, no canvas) and
 * rasterized by `sharp`.
 * @module
 */
export type {
  Chart,
  CurvePoint,
  LineChartSpec,
  RenderOptions,
  ScatterOptions,
  ScatterPanel,
} from "./types.ts";
export { lineChartSpec, renderLineChart } from "./line_chart.ts";
export { renderScatterPanels, scatterPanelsSpec } from "./scatter_panels.ts";
export { renderVegaLite } from "./render.ts";
export { writeChart } from "./write_chart.ts";
export { canRenderText } from "./fonts.ts";
