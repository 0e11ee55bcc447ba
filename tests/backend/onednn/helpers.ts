/**
 * Test helpers for the onednn backend: load it (or skip the tests with the reason when oneDNN is not
 * installed), and run one computation on onednn and on the cpu reference.
 */
import * as tf from "@tensorflow/tfjs";
import { loadOnednn, onednnEngine, openOnednn } from "../../../src/backend/onednn/mod.ts";
import { relErr } from "../helpers.ts";

/** Agreement required between onednn and cpu (issue 8: relative error ≤ 1e-4). */
export const ONEDNN_TOLERANCE = 1e-4;

const lib = openOnednn();
/** Why the onednn tests cannot run here, or undefined. */
export const ONEDNN_MISSING: string | undefined = typeof lib === "string" ? lib : undefined;
/** `Deno.test` options that skip when oneDNN is missing (CI installs it, so there they run). */
export const onednnTest = { ignore: ONEDNN_MISSING !== undefined && !Deno.env.get("CI") };
if (ONEDNN_MISSING) console.warn(`onednn tests skipped: ${ONEDNN_MISSING}`);

/** Switches to onednn. */
export async function useOnednn(): Promise<void> {
  await loadOnednn();
}

/** Switches to cpu without its banner. */
export async function useCpu(): Promise<void> {
  await tf.setBackend("cpu");
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
}

/** Runs `fn` on `name` in tidy; returns its outputs as arrays and checks nothing leaked. */
export async function runOnBackend(
  name: "onednn" | "cpu",
  fn: () => tf.Tensor | tf.Tensor[],
): Promise<{ values: Float32Array[]; shapes: number[][] }> {
  await (name === "onednn" ? useOnednn() : useCpu());
  const tensors = tf.memory().numTensors, ids = tf.backend().numDataIds();
  const outs = tf.tidy(fn);
  const list = Array.isArray(outs) ? outs : [outs];
  const values = list.map((t) => Float32Array.from(t.dataSync()));
  const shapes = list.map((t) => t.shape);
  tf.dispose(list);
  const leaked = [tf.memory().numTensors - tensors, tf.backend().numDataIds() - ids];
  if (leaked[0] || leaked[1]) throw new Error(`${name}: leaked ${leaked[0]} tensors, ${leaked[1]} data ids`);
  return { values, shapes };
}

/** oneDNN primitives run so far in this process. */
export function primitiveRuns(): number {
  return onednnEngine()?.counts.runs ?? 0;
}

/**
 * The worst relative error of `fn`'s outputs on onednn against cpu (shapes must match). Unless `native`
 * is false, oneDNN must have run at least one primitive: a comparison of the cpu fallback with cpu
 * proves nothing.
 */
export async function onednnVsCpu(fn: () => tf.Tensor | tf.Tensor[], native = true): Promise<number> {
  await useOnednn();
  const before = primitiveRuns();
  const o = await runOnBackend("onednn", fn);
  const ran = primitiveRuns() > before;
  if (ran !== native) {
    throw new Error(native ? "no oneDNN primitive ran" : "a oneDNN primitive ran on a fallback case");
  }
  const c = await runOnBackend("cpu", fn);
  let worst = 0;
  o.values.forEach((v, i) => {
    if (o.shapes[i].join() !== c.shapes[i].join()) {
      throw new Error(`shape ${o.shapes[i]} on onednn vs ${c.shapes[i]} on cpu`);
    }
    if (c.values[i].length > 0 && !c.values[i].some((x) => x !== 0)) {
      throw new Error(`output ${i} is all zeros on cpu: a vacuous case`);
    }
    worst = Math.max(worst, relErr(v, c.values[i]));
  });
  return worst;
}
