/**
 * Which saved weights of a run to use, checked before use: `best/` (by mean validation accuracy) or
 * the newest intact checkpoint. A damaged checkpoint is named in one line and passed over for the one
 * before it; a missing or damaged `best/` is an error that says how to use the latest checkpoint
 * instead, never a silent switch. What was chosen is described in one line for the user.
 *
 * @module
 */
import { join, relative } from "node:path";
import { UserError } from "../util/errors.ts";
import { BEST_DIR, BEST_INFO_FILE, checkpointDirs } from "./files.ts";
import type { Damage } from "./manifest.ts";
import { MODEL_FILE } from "./model_files.ts";
import { checkCheckpoint, checkSavedModel, readCheckpointPosition } from "./verify.ts";

/** Which weights of a run to use. */
export type RunWeights = "best" | "last";

/** The weights chosen, and how to name them. */
export interface WeightsSource {
  which: RunWeights;
  /** `best/` or `checkpoints/step-N`. */
  dir: string;
  /** Its model.json. */
  modelPath: string;
  /** One line for the user: `best/ (epoch 3, step 24)`, `checkpoints/step-00000020 (step 20, epoch 3, batch 4)`. */
  description: string;
}

/** The newest intact checkpoint of a run (null when none), and the damaged ones passed over. */
export interface CheckpointSearch {
  dir: string | null;
  damaged: Damage[];
}

/** One line about a damaged file (what a command prints as a warning). */
export function describeDamage(d: Damage): string {
  return `${d.file}: ${d.detail}`;
}

/** Looks through a run's checkpoints from the newest, checking each, and stops at the first intact one. */
export async function findCheckpoint(runDir: string): Promise<CheckpointSearch> {
  const damaged: Damage[] = [];
  for (const dir of await checkpointDirs(runDir)) {
    const damage = await checkCheckpoint(dir);
    if (!damage) return { dir, damaged };
    damaged.push(damage);
  }
  return { dir: null, damaged };
}

/** The newest intact checkpoint folder of a run, or null when it has none. */
export async function latestCheckpoint(runDir: string): Promise<string | null> {
  return (await findCheckpoint(runDir)).dir;
}

async function bestDescription(dir: string): Promise<string> {
  try {
    const info = JSON.parse(await Deno.readTextFile(join(dir, BEST_INFO_FILE)));
    if (Number.isInteger(info?.epoch) && Number.isInteger(info?.step)) {
      const acc = typeof info.meanValAccuracy === "number"
        ? `, mean validation accuracy ${(100 * info.meanValAccuracy).toFixed(2)}%`
        : "";
      return `best/ (epoch ${info.epoch}, step ${info.step}${acc})`;
    }
  } catch {
    // a best/ written before best.json: described by its folder alone
  }
  return "best/";
}

/**
 * The weights `which` of a run, checked. `best`: best/ must be there and intact (otherwise a
 * UserError pointing at `--weights last`). `last`: the newest intact checkpoint; each damaged one
 * passed over is reported through `warn` in one line.
 */
export async function runWeights(
  runDir: string,
  which: RunWeights,
  warn: (line: string) => void = (line) => console.error(line),
): Promise<WeightsSource> {
  if (which === "best") {
    const dir = join(runDir, BEST_DIR);
    const present = await Deno.stat(join(dir, MODEL_FILE)).then(() => true, () => false);
    if (!present) {
      throw new UserError(
        dir,
        "no best model (the run has not finished an epoch, or best/ was removed); " +
          "eval and predict take --weights last for the latest checkpoint",
      );
    }
    const damage = await checkSavedModel(dir);
    if (damage) {
      throw new UserError(
        damage.file,
        `${damage.detail}; best/ cannot be used (eval and predict take --weights last for the latest checkpoint)`,
      );
    }
    return { which, dir, modelPath: join(dir, MODEL_FILE), description: await bestDescription(dir) };
  }
  const found = await findCheckpoint(runDir);
  for (const d of found.damaged) warn(`warning: ${describeDamage(d)}; passing over that checkpoint`);
  if (!found.dir) {
    const first = found.damaged[0];
    throw new UserError(
      first ? first.file : runDir,
      first ? `${first.detail}; the run has no intact checkpoint` : "the run has no checkpoint yet",
    );
  }
  const pos = await readCheckpointPosition(found.dir);
  const where = "file" in pos
    ? ""
    : ` (step ${pos.step}, ${
      pos.batch ? `epoch ${pos.epoch}, batch ${pos.batch}` : `after epoch ${pos.epoch - 1}`
    })`;
  return {
    which,
    dir: found.dir,
    modelPath: join(found.dir, MODEL_FILE),
    description: `${relative(runDir, found.dir)}${where}`,
  };
}
