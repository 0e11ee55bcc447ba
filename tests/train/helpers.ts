/**
 * Shared fixtures of the training tests: the wasm backend with the project's training kernels, a small
 * synthetic face set in CelebA layout (generated once per test file into a temp dir), and a quiet
 * progress sink. Their temp folders are removed after the test file's last test.
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { useBackend } from "../../src/backend/mod.ts";
import { generateSynth } from "../../src/data/synth/generate.ts";
import { type EpochRecord, latestCheckpoint } from "../../src/run/mod.ts";
import { runTraining } from "../../src/train/loop.ts";
import { prepareResume } from "../../src/train/resume.ts";
import { loadRunData, type NewRunOptions, prepareNewRun } from "../../src/train/setup.ts";
import type { ProgressSink } from "../../src/util/progress.ts";
import { tempDir } from "../temp.ts";

export const TINY_TMTL = new URL("./fixtures/tiny_tmtl.ts", import.meta.url).pathname;
export const TINY_ATTENTION = new URL("./fixtures/tiny_attention_mtl.ts", import.meta.url).pathname;
export const RESNET50_KERAS = new URL("./fixtures/resnet50_keras.ts", import.meta.url).pathname;

/** Makes wasm (with the project's training kernels) the current backend. */
export async function wasmBackend(): Promise<void> {
  if (tf.getBackend() !== "wasm") await useBackend("wasm");
}

let fixture: Promise<string> | undefined;
/** A 80-face synthetic set at 32×32 (64 train, 8 val, 8 test), made once per process. */
export function fixtureData(): Promise<string> {
  return fixture ??= (async () => {
    const dir = await tempDir("train-fixture-");
    await generateSynth({ out: join(dir, "synth"), count: 80, size: 32, seed: 3 });
    return join(dir, "synth");
  })();
}

/** A progress sink that records what it is given. */
export function memorySink(isTerminal = false): ProgressSink & { text: () => string } {
  const parts: string[] = [];
  return { write: (t) => void parts.push(t), isTerminal, columns: 120, text: () => parts.join("") };
}

/** A fresh temp directory for runs (removed after the test file's last test). */
export function tempRuns(): Promise<string> {
  return tempDir("runs-");
}

/**
 * A new run's options: the tiny TMTL on the fixture set in `runsDir`, on wasm, no mid-epoch
 * checkpoints, seed 1, whole batches as one pass — each overridable.
 */
export async function tinyRunOptions(
  runsDir: string,
  o: Partial<NewRunOptions> = {},
): Promise<NewRunOptions> {
  return {
    graph: TINY_TMTL,
    data: await fixtureData(),
    runsDir,
    runId: "r",
    overrides: {},
    microBatch: 16,
    seed: 1,
    checkpointEvery: 0,
    backend: "wasm",
    skipBad: false,
    command: ["test"],
    ...o,
  };
}

/** An epoch record without the timing fields, which legitimately differ between equal runs. */
export const stableRecord = ({ seconds: _s, valSeconds: _v, imagesPerSecond: _i, ...rest }: EpochRecord) =>
  rest;

/** A model's weights by original name, as plain arrays (for bit-for-bit comparisons). */
export function weightsOf(model: tf.LayersModel): Map<string, Float32Array> {
  return new Map(model.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
}

/** The tiny attention graph on the fixture set: 3 epochs of 4 steps, lr drop after 2, checkpoints every 3 steps. */
export async function tinyAttentionRun(runsDir: string): Promise<NewRunOptions> {
  return {
    graph: TINY_ATTENTION,
    data: await fixtureData(),
    runsDir,
    runId: "r",
    overrides: { epochs: 3, batchSize: 16, optimizer: { lr: 2e-3 }, schedule: [{ afterEpoch: 2, lr: 5e-4 }] },
    microBatch: 8,
    seed: 7,
    checkpointEvery: 3,
    backend: "wasm",
    skipBad: false,
    command: ["test"],
  };
}

/** Copies a folder tree (a run directory, say) to `to`. */
export async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    const [a, b] = [join(from, e.name), join(to, e.name)];
    if (e.isDirectory) await copyDir(a, b);
    else if (e.isFile) await Deno.copyFile(a, b);
  }
}

/** {@link tinyRunOptions} with 3 epochs of batch 16 and a checkpoint every 2 steps. */
export function tinyCheckpointedRunOptions(
  runsDir: string,
  patch: Partial<NewRunOptions> = {},
): Promise<NewRunOptions> {
  return tinyRunOptions(runsDir, { overrides: { epochs: 3, batchSize: 16 }, checkpointEvery: 2, ...patch });
}

let trained: Promise<string> | undefined;
/**
 * A finished tiny TMTL run (2 epochs of 4 steps, a checkpoint every 2 steps, so steps 6 and 8 are
 * kept, and best/), trained once per process. Tests copy it before damaging it.
 */
export function trainedRun(): Promise<string> {
  return trained ??= (async () => {
    const { prepareNewRun } = await import("../../src/train/setup.ts");
    const { executeRun } = await import("../../src/train/run.ts");
    await wasmBackend();
    const runs = await tempRuns();
    const run = await prepareNewRun(
      await tinyCheckpointedRunOptions(runs, {
        runId: "trained",
        overrides: { epochs: 2, batchSize: 16 },
        seed: 4,
      }),
    );
    await executeRun(run, {
      cacheDir: join(runs, ".cache"),
      sink: memorySink(),
      curves: false,
      log: () => {},
    });
    return run.runDir;
  })();
}

/** A fresh copy of {@link trainedRun} to damage. */
export async function trainedRunCopy(): Promise<string> {
  const dir = join(await tempRuns(), "tiny_tmtl", "copy");
  await copyDir(await trainedRun(), dir);
  return dir;
}

/**
 * One run trained twice, for the exact-resume tests: `whole` left alone, and `killed` stopped after
 * `stopAfterSteps` steps (as if killed; `stopped` is what that call returned, `checkpointAtStop` its
 * newest checkpoint then) and finished by `resumed`. Each call to `options` must make a new run folder.
 */
export async function trainedWholeAndResumed(options: () => Promise<NewRunOptions>, stopAfterSteps: number) {
  const cache = join(await tempRuns(), ".cache");
  const quiet = () => ({ sink: memorySink(), curves: false });
  const whole = await prepareNewRun(await options());
  whole.lock.release(); // runTraining is called directly, not through executeRun
  const data = await loadRunData(whole.config, cache);
  await runTraining({ ...whole, ...data, ...quiet() });

  const killed = await prepareNewRun(await options());
  killed.lock.release();
  const stopped = await runTraining({ ...killed, ...data, ...quiet(), stopAfterSteps });
  const checkpointAtStop = await latestCheckpoint(killed.runDir);
  const resumed = await prepareResume(killed.runDir);
  resumed.lock.release();
  await runTraining({ ...resumed, ...data, ...quiet() });
  return { whole, killed, stopped, checkpointAtStop, resumed };
}
