/**
 * A run's model files: reading and writing tfjs-format models (`model.json` + `weights.bin`) on the
 * local file system. Plain tfjs has no `file://` handler under Deno, so these are small IOHandlers of our own:
 * `model.save(dirSaveHandler(dir))` and `tf.loadLayersModel(fileLoadHandler("…/model.json"))`.
 * Loading reads every weight file the manifest lists, so models converted with
 * `tensorflowjs_converter` (sharded `group1-shard1of4.bin`, …) load too.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { basename, dirname, join, resolve } from "node:path";
import { UserError } from "../util/errors.ts";

/** File name of the weights a saved model's manifest points at. */
export const WEIGHTS_FILE = "weights.bin";
/** File name of the topology and weight manifest. */
export const MODEL_FILE = "model.json";

/** Concatenates tfjs weight data (one buffer or several) into one byte array. */
export function weightBytes(data: tf.io.WeightData): Uint8Array {
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/**
 * A save handler writing `model.json` and `weights.bin` into `dir` (created if needed). Not atomic
 * by itself: write into a fresh directory and rename it into place (see `replaceDir`).
 */
export function dirSaveHandler(dir: string, extra: Record<string, unknown> = {}): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    await Deno.mkdir(dir, { recursive: true });
    const weights = artifacts.weightData ? weightBytes(artifacts.weightData) : new Uint8Array();
    const json = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format ?? "layers-model",
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy ?? null,
      ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
      weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      ...extra,
    };
    await Deno.writeFile(join(dir, WEIGHTS_FILE), weights);
    await Deno.writeTextFile(join(dir, MODEL_FILE), JSON.stringify(json));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  });
}

/** Reads a `model.json`, naming the file in errors a user can fix. */
export async function readModelJson(path: string): Promise<tf.io.ModelJSON> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UserError(path, "file not found");
    throw e;
  }
  try {
    const json = JSON.parse(text) as tf.io.ModelJSON;
    if (!json || typeof json !== "object" || !Array.isArray(json.weightsManifest)) {
      throw new Error("no weightsManifest");
    }
    json.weightsManifest.forEach(checkGroup);
    return json;
  } catch (e) {
    throw new UserError(path, `not a tfjs model.json (${(e as Error).message})`);
  }
}

const isName = (v: unknown) => typeof v === "string" && v.length > 0;

/** A weights-manifest group must list file names and well-formed weight specs. */
function checkGroup(g: unknown, i: number): void {
  const group = g as { paths?: unknown; weights?: unknown };
  if (!group || !Array.isArray(group.paths) || !group.paths.every(isName) || !Array.isArray(group.weights)) {
    throw new Error(`weightsManifest[${i}] needs paths and weights`);
  }
  for (const w of group.weights as { name?: unknown; shape?: unknown; dtype?: unknown }[]) {
    const shapeOk = Array.isArray(w?.shape) && w.shape.every((d) => Number.isSafeInteger(d) && d >= 0);
    if (!isName(w?.name) || !shapeOk || !isName(w?.dtype)) {
      throw new Error(`weightsManifest[${i}] has a malformed weight entry`);
    }
  }
}

/** Reads the weight files a manifest lists (relative to `dir`), in manifest order. */
async function readWeightFiles(dir: string, manifest: tf.io.WeightsManifestConfig): Promise<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  for (const group of manifest) {
    for (const p of group.paths) {
      const file = resolve(dir, p);
      if (dirname(file) !== resolve(dir)) {
        throw new UserError(file, "model.json names a weight file outside its folder");
      }
      try {
        parts.push(await Deno.readFile(file));
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) {
          throw new UserError(file, "weight file listed in model.json not found");
        }
        throw e;
      }
    }
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out.buffer;
}

/** A load handler for `tf.loadLayersModel`: reads `model.json` and the weight files beside it. */
export function fileLoadHandler(modelJsonPath: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = await readModelJson(modelJsonPath);
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const data = await readWeightFiles(dirname(resolve(modelJsonPath)), manifest);
        return [tf.io.getWeightSpecs(manifest), data];
      });
    },
  };
}

/**
 * Every weight of a saved model, by name (`stage1_1_conv/kernel`), without building the model.
 * The caller owns (and disposes) the tensors.
 */
export async function readWeights(modelJsonPath: string): Promise<tf.NamedTensorMap> {
  const json = await readModelJson(modelJsonPath);
  const data = await readWeightFiles(dirname(resolve(modelJsonPath)), json.weightsManifest);
  const specs = tf.io.getWeightSpecs(json.weightsManifest);
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * bytesPer(s.dtype), 0);
  if (data.byteLength < expected && !specs.some((s) => s.quantization)) {
    throw new UserError(modelJsonPath, `weights are truncated (${data.byteLength} of ${expected} bytes)`);
  }
  try {
    return tf.io.decodeWeights(data, specs);
  } catch (e) {
    throw new UserError(
      modelJsonPath,
      `cannot decode the weights (${String((e as Error).message).split("\n")[0]})`,
    );
  }
}

function bytesPer(dtype: string): number {
  return dtype === "bool" ? 1 : 4;
}

/**
 * Replaces directory `target` with a freshly written one: `fill` writes into a temporary sibling,
 * which is then renamed into place (a reader sees the old directory or the new one, never half).
 */
export async function replaceDir(target: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  const parent = dirname(target);
  await Deno.mkdir(parent, { recursive: true });
  const tag = `${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const tmp = join(parent, `.${basename(target)}.tmp-${tag}`);
  const old = join(parent, `.${basename(target)}.old-${tag}`);
  try {
    await fill(tmp);
    let moved = false;
    try {
      await Deno.rename(target, old);
      moved = true;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    await Deno.rename(tmp, target);
    if (moved) await Deno.remove(old, { recursive: true });
  } catch (e) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    throw e;
  }
}

/**
 * Cleans up after a process killed inside {@link replaceDir}: puts a moved-away `target` back when the
 * new one never arrived, and removes leftover temporary siblings.
 */
export async function recoverDir(target: string): Promise<void> {
  const parent = dirname(target);
  const prefix = `.${basename(target)}.`;
  const leftovers: string[] = [];
  try {
    for await (const e of Deno.readDir(parent)) if (e.name.startsWith(prefix)) leftovers.push(e.name);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  let present = await Deno.stat(target).then(() => true, () => false);
  for (const name of leftovers.sort()) {
    const path = join(parent, name);
    if (!present && name.startsWith(`${prefix}old-`)) {
      await Deno.rename(path, target);
      present = true;
    } else await Deno.remove(path, { recursive: true });
  }
}

/** Saves a model as `dir/model.json` + `dir/weights.bin`, replacing `dir` whole. */
export async function saveModelDir(model: tf.LayersModel, dir: string): Promise<void> {
  await replaceDir(dir, async (tmp) => {
    await model.save(dirSaveHandler(tmp));
  });
}
