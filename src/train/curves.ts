/**
 * The training-curves picture of a run (`curves.svg`, `curves.png`): loss and accuracy per head per
 * epoch, train and validation, drawn by src/eval/plot.
 *
 * @module
 */
import { join } from "node:path";
import { type CurvePoint, renderLineChart, writeChart } from "../eval/plot/mod.ts";
import type { EpochRecord } from "../run/metrics.ts";

/** A head's value in a per-head record (own keys only: head names are data). */
const of = (values: Record<string, number>, head: string) =>
  Object.hasOwn(values, head) ? values[head] : undefined;

/** The curve points of metrics.jsonl records. */
export function curvePoints(records: readonly EpochRecord[]): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (const r of records) {
    for (const head of Object.keys(r.trainAccuracy)) {
      const add = (split: "train" | "val", metric: "loss" | "accuracy", value: number | undefined) => {
        if (value !== undefined) points.push({ epoch: r.epoch, head, split, metric, value });
      };
      add("train", "loss", of(r.headLoss, head));
      add("val", "loss", of(r.valLoss, head));
      add("train", "accuracy", of(r.trainAccuracy, head));
      add("val", "accuracy", of(r.valAccuracy, head));
    }
  }
  return points;
}

/** Draws the curves of `records` into `<runDir>/curves.svg` and `.png`; returns the two paths. */
export async function writeCurves(
  runDir: string,
  title: string,
  records: readonly EpochRecord[],
): Promise<{ svg: string; png: string }> {
  const chart = await renderLineChart({ points: curvePoints(records), title });
  return await writeChart(join(runDir, "curves"), chart);
}
