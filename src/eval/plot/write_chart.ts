import { writeFileAtomic } from "../../util/atomic.ts";
import type { Chart } from "./types.ts";

/** Writes `<basePath>.svg` and `<basePath>.png`, each whole or not at all; returns the two paths. */
export async function writeChart(basePath: string, chart: Chart): Promise<{ svg: string; png: string }> {
  const paths = { svg: `${basePath}.svg`, png: `${basePath}.png` };
  await Promise.all([writeFileAtomic(paths.svg, chart.svg), writeFileAtomic(paths.png, chart.png)]);
  return paths;
}
