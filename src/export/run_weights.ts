/**
 * A run's weights for an export: read by name with the runtime's own reader (any model.json the
 * runtime's `--init-from` accepts: a run, its best/ or a checkpoint), checked against the exported
 * model's weight table and packed in table order as a tfjs weights manifest + float32 bytes.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readWeights } from "../run/model_files.ts";
import { resolveModelSource } from "../train/warm_start.ts";
import { UserError } from "../util/errors.ts";
import type { WeightEntry } from "./plan.ts";

/** Weights ready to write beside a topology as a tfjs model. */
export interface PackedWeights {
  /** The model.json they came from. */
  source: string;
  specs: tf.io.WeightsManifestEntry[];
  /** float32 values of `specs`, in order. */
  data: Uint8Array;
  /** Weights of the source that the graph does not have. */
  unused: number;
}

const show = (shape: readonly number[]) => `[${shape.join(", ")}]`;

/**
 * Reads the weights behind `from` and packs those of `table`. Every weight of the table must be
 * there with its shape: an export carries a trained model whole, not a warm start.
 */
export async function packRunWeights(from: string, table: readonly WeightEntry[]): Promise<PackedWeights> {
  const source = await resolveModelSource(from);
  const raw = await readWeights(source);
  try {
    const byName = new Map(Object.entries(raw).map(([k, t]) => [k.replace(/:0$/, ""), t]));
    const missing = table.filter((w) => !byName.has(w.name));
    if (missing.length > 0) {
      const more = missing.length > 1 ? ` and ${missing.length - 1} more` : "";
      throw new UserError(
        source,
        `has no weight ${missing[0].name}${more} that the graph needs (export a run of this graph)`,
      );
    }
    const data = new Float32Array(table.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0));
    let offset = 0;
    for (const w of table) {
      const t = byName.get(w.name)!;
      if (!tf.util.arraysEqual(t.shape, w.shape)) {
        throw new UserError(
          source,
          `${w.name} has shape ${show(t.shape)} but the graph needs ${show(w.shape)} ` +
            `(was the run trained at another --input-size?)`,
        );
      }
      data.set(await t.data<"float32">(), offset);
      offset += t.size;
    }
    return {
      source,
      specs: table.map((w) => ({ name: w.name, shape: w.shape, dtype: "float32" })),
      data: new Uint8Array(data.buffer),
      unused: byName.size - table.length,
    };
  } finally {
    tf.dispose(Object.values(raw));
  }
}
