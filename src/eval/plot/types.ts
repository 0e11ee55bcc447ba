/** Shapes of the data and the pictures that the chart module takes and returns. */

/** One value of one training curve: a head's loss or accuracy on one split after one epoch. */
export type CurvePoint = {
  epoch: number;
  head: string;
  split: "train" | "val";
  metric: "loss" | "accuracy";
  value: number;
};

/** A rendered chart: the SVG source and the same picture rasterized to PNG bytes. */
export type Chart = {
  svg: string;
  png: Uint8Array;
  /** Size of the SVG in CSS pixels; the PNG is `width * scale` by `height * scale`. */
  width: number;
  height: number;
  /** PNG pixels per SVG pixel. */
  scale: number;
};

/** Options shared by every chart. */
export type RenderOptions = {
  /** PNG pixels per SVG pixel (default 2, for sharp text). */
  scale?: number;
};

/** What `renderLineChart` draws: one small plot per head and metric, train and val as two lines. */
export type LineChartSpec = RenderOptions & {
  points: readonly CurvePoint[];
  /** Title over the whole figure. */
  title?: string;
  /** Size of each small plot in SVG pixels (default 260 × 160). */
  width?: number;
  height?: number;
};

/** One t-SNE panel: 2-D points with one group label each (`points[i]` belongs to `groups[i]`). */
export type ScatterPanel = {
  title: string;
  points: readonly (readonly number[])[];
  groups: readonly string[];
};

/** Options of `renderScatterPanels`. */
export type ScatterOptions = RenderOptions & {
  /** Title over the whole figure. */
  title?: string;
  /** Panels per row (default: 2 for 4 panels, otherwise up to 4 in a row). */
  columns?: number;
  /** Legend order and the set of colours; default: groups in order of first appearance. */
  groupOrder?: readonly string[];
  /** Size of each panel in SVG pixels (default 260 × 260). */
  size?: number;
  /** Legend title (default "group"). */
  legendTitle?: string;
};
