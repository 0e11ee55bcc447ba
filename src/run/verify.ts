/**
 * Checking a run's saved folders before trusting them: the manifest (sizes and checksums, see
 * manifest.ts), then what the files must agree on — model.json parses and its weights fill
 * weights.bin exactly; a checkpoint's state.json parses and its optimizer specs fill optimizer.bin.
 * Folders written before manifests existed get the second part only.
 *
 * @module
 */
import { join } from "node:path";
import { isUserError, osReason } from "../util/errors.ts";
import { checkManifest, type Damage } from "./manifest.ts";
import { OPTIMIZER_FILE, STATE_FILE } from "./files.ts";
import { MODEL_FILE, readModelJson } from "./model_files.ts";

const BYTES_PER: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** Bytes a list of weight specs occupies (undefined when a spec is not one we can size). */
function specBytes(specs: unknown): number | undefined {
  if (!Array.isArray(specs)) return undefined;
  let total = 0;
  for (const s of specs) {
    const shape = (s as { shape?: unknown })?.shape;
    const dtype = String((s as { dtype?: unknown })?.dtype ?? "float32");
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) return undefined;
    if ((s as { quantization?: unknown }).quantization || !Object.hasOwn(BYTES_PER, dtype)) return undefined;
    total += shape.reduce((a: number, b: number) => a * b, 1) * BYTES_PER[dtype];
  }
  return total;
}

async function size(file: string): Promise<number | Damage> {
  try {
    return (await Deno.stat(file)).size;
  } catch (e) {
    return { file, detail: e instanceof Deno.errors.NotFound ? "missing" : `unreadable (${osReason(e)})` };
  }
}

/** Checks a folder holding model.json + its weight files (a checkpoint, best/). */
export async function checkModelFiles(dir: string): Promise<Damage | null> {
  const path = join(dir, MODEL_FILE);
  let json;
  try {
    json = await readModelJson(path);
  } catch (e) {
    if (isUserError(e)) return { file: path, detail: e.detail };
    throw e;
  }
  let found = 0;
  for (const group of json.weightsManifest) {
    for (const p of group.paths ?? []) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(p)) {
        return { file: path, detail: `names a weight file outside its folder: ${p}` };
      }
      const n = await size(join(dir, p));
      if (typeof n !== "number") return n;
      found += n;
    }
  }
  const expected = specBytes(json.weightsManifest.flatMap((g) => g.weights ?? []));
  if (expected !== undefined && found !== expected) {
    const file = join(dir, json.weightsManifest[0]?.paths?.[0] ?? "weights.bin");
    return {
      file,
      detail: `${found} bytes of weights where model.json needs ${expected} (truncated or torn)`,
    };
  }
  return null;
}

/** Checks a folder the manifest covers, then its model files. */
export async function checkSavedModel(dir: string): Promise<Damage | null> {
  const m = await checkManifest(dir);
  if (m.status === "damaged") return m.damage;
  return await checkModelFiles(dir);
}

/** The loop position a checkpoint's state.json records (read loosely: train checks it fully). */
export interface CheckpointPosition {
  step: number;
  epoch: number;
  batch: number;
}

/** Reads a checkpoint's state.json: its position, or the damage. */
export async function readCheckpointPosition(dir: string): Promise<CheckpointPosition | Damage> {
  const file = join(dir, STATE_FILE);
  let state;
  try {
    state = JSON.parse(await Deno.readTextFile(file));
  } catch (e) {
    const detail = e instanceof Deno.errors.NotFound
      ? "missing"
      : e instanceof SyntaxError
      ? "not valid JSON (torn or altered)"
      : `unreadable (${osReason(e)})`;
    return { file, detail };
  }
  const loop = state?.loop;
  const ints = [loop?.step, loop?.epoch, loop?.batch];
  if (!ints.every((n) => Number.isInteger(n) && n >= 0)) return { file, detail: "no valid loop position" };
  return { step: loop.step, epoch: loop.epoch, batch: loop.batch };
}

/** Checks a checkpoint folder: manifest, model files, state.json and optimizer.bin. */
export async function checkCheckpoint(dir: string): Promise<Damage | null> {
  const model = await checkSavedModel(dir);
  if (model) return model;
  const position = await readCheckpointPosition(dir);
  if ("file" in position) return position;
  const state = JSON.parse(await Deno.readTextFile(join(dir, STATE_FILE)));
  const expected = specBytes(state?.optimizer?.specs);
  const file = join(dir, OPTIMIZER_FILE);
  const n = await size(file);
  if (typeof n !== "number") return n;
  if (expected === undefined) return { file: join(dir, STATE_FILE), detail: "no valid optimizer specs" };
  if (n !== expected) {
    return { file, detail: `${n} bytes where state.json needs ${expected} (truncated or torn)` };
  }
  return null;
}
