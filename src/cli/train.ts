/**
 * `deno task train [GRAPH] [--data …] [flags]` — trains a graph with the paper's protocol into
 * `runs/<graph>/<id>/`; `--resume RUN_DIR` continues a stopped run; `--init-from` warm-starts.
 * With no arguments: examples/small_attention_mtl.ts on the synthetic set at 64×64 (generated into
 * data/synth if missing). See `--help` for every flag.
 */
import { join } from "node:path";
import { backendFromArgs, describeBackend, useBackend } from "../backend/mod.ts";
import { ensureSynth } from "../data/mod.ts";
import { autoMicroBatch } from "../train/accumulate.ts";
import { formatDuration } from "../util/progress.ts";
import { UserError } from "../util/errors.ts";
import {
  intFlag,
  overridesFromFlags,
  PROTOCOL_FLAGS,
  TRAIN_HELP,
  TRAIN_OPTIONS,
  TRAIN_USAGE,
  withPermissionHint,
} from "../train/flags.ts";
import { executeRun } from "../train/run.ts";
import { type DecodeProgress, type PreparedRun, prepareNewRun, prepareResume } from "../train/setup.ts";
import { parseArgs } from "./args.ts";
import { runMain } from "./main.ts";
import { exists } from "../util/fs.ts";

/** What `deno task train` trains when given no graph: measured to be the CPU-friendly choice. */
export const DEFAULT_GRAPH = "examples/small_attention_mtl.ts";
/** The synthetic set's folder, generated on first use. */
export const DEFAULT_DATA = "data/synth";
/** Input side of the no-argument default. */
export const DEFAULT_INPUT_SIZE = 64;

/**
 * Generates data/synth with the data module's defaults (2000 faces, 64×64, seed 1) when it holds no set;
 * a set already there (perhaps made with other `data:synth` settings) is used as it is.
 */
async function synthIfMissing(dir: string): Promise<void> {
  if (await exists(join(dir, "list_attr_celeba.txt"))) return;
  console.log(`${dir} not found: generating the synthetic face set there (2000 faces, 64×64, seed 1)…`);
  const t0 = performance.now();
  await ensureSynth({ out: dir, count: 2000, size: 64, seed: 1 });
  console.log(`done in ${formatDuration((performance.now() - t0) / 1000)}`);
}

/** Decoding progress: a line redrawn in place on a terminal; one line per split otherwise. */
function decodeProgress(): DecodeProgress {
  const tty = Deno.stdout.isTerminal();
  const enc = new TextEncoder();
  return (split, done, total, cached) => {
    if (cached) return;
    if (tty) {
      Deno.stdout.writeSync(
        enc.encode(`\r\x1b[Kdecoding ${split} images ${done}/${total}${done === total ? "\n" : ""}`),
      );
    } else if (done === 0) console.log(`decoding ${total} ${split} images…`);
  };
}

async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs(args, TRAIN_OPTIONS, TRAIN_USAGE);
  if (values.help) {
    console.log(TRAIN_HELP);
    return;
  }
  if (positionals.length > 1) throw new UserError("", `one graph file at most\nusage: ${TRAIN_USAGE}`);
  const backendName = backendFromArgs(values);
  const stopAfterSteps = intFlag(values, "stop-after-steps");
  const cacheDir = (values.cache as string | undefined) ?? ".cache/data";
  let run: PreparedRun;
  if (values.resume) {
    const given = PROTOCOL_FLAGS.filter((f) => values[f] !== undefined);
    if (given.length || positionals.length) {
      throw new UserError(
        "--resume",
        `continues a run with its stored config.json; drop ${
          given.map((f) => "--" + f).join(", ") || positionals[0]
        }`,
      );
    }
    const chosen = await useBackend(backendName);
    console.log(describeBackend(chosen));
    run = await prepareResume(values.resume as string, intFlag(values, "epochs"));
    if (run.config.backend !== chosen.name) {
      console.log(
        `note: the run started on ${run.config.backend}; results may differ in the last bits on ${chosen.name}`,
      );
    }
  } else {
    const isDefault = positionals.length === 0;
    const graph = positionals[0] ?? DEFAULT_GRAPH;
    const data = (values.data as string | undefined) ?? DEFAULT_DATA;
    const inputSize = intFlag(values, "input-size", 8, 4096) ?? (isDefault ? DEFAULT_INPUT_SIZE : undefined);
    if (isDefault) {
      console.log(
        `no graph given: training ${graph} (the paper's attention MTL with a small residual trunk) on ` +
          `${data} at ${inputSize}×${inputSize}. Full ResNet50 (graphs/attention_mtl.ts) trains about 3× slower ` +
          `on this CPU even at 64×64; name it to train it.`,
      );
    }
    if (data === DEFAULT_DATA) await synthIfMissing(data);
    const chosen = await useBackend(backendName);
    console.log(describeBackend(chosen));
    const microFlag = intFlag(values, "micro-batch");
    run = await prepareNewRun({
      graph,
      data,
      runsDir: (values.runs as string | undefined) ?? "runs",
      runId: values["run-id"] as string | undefined,
      inputSize,
      overrides: overridesFromFlags(values),
      microBatch: microFlag ?? autoMicroBatch(chosen.name),
      seed: intFlag(values, "seed", 0, 2 ** 32 - 1) ?? 1,
      checkpointEvery: intFlag(values, "checkpoint-every", 0) ?? 50,
      backend: chosen.name,
      initFrom: values["init-from"] as string | undefined,
      skipBad: Boolean(values["skip-bad"]),
      command: ["train", ...args],
    });
  }
  const c = run.config;
  console.log(
    `run ${run.runDir}: ${c.graphName} at ${c.inputSize}×${c.inputSize}, ${c.epochs} epochs, batch ${c.batchSize} ` +
      `(micro-batch ${c.microBatch}), adam lr ${c.optimizer.lr}` +
      c.schedule.map((s) => ` → ${s.lr} after epoch ${s.afterEpoch}`).join("") +
      `, augment flip ${c.augment.flip ? "on" : "off"} shift ${c.augment.shift}, seed ${c.seed}, ` +
      `λ ${c.heads.map((h) => `${h.name} ${h.lossWeight}`).join(", ")}`,
  );
  console.log(`stop any time; continue with: deno task train --resume ${run.runDir}`);
  const t0 = performance.now();
  const result = await executeRun(run, {
    cacheDir,
    decodeProgress: decodeProgress(),
    curves: !values["no-curves"],
    stopAfterSteps,
    // A new run whose data cannot be read leaves nothing behind (its folder holds only config.json).
    removeOnDataError: !values.resume,
  });
  const took = formatDuration((performance.now() - t0) / 1000);
  if (result.status === "stopped") {
    console.log(
      `stopped after step ${result.state.step} as asked (${took}); resume with --resume ${run.runDir}`,
    );
    return;
  }
  const best = result.state.best;
  console.log(
    `done in ${took}: best mean validation accuracy ${best ? (100 * best.meanAccuracy).toFixed(2) : "?"}% ` +
      `at epoch ${best?.epoch ?? "?"} (${join(run.runDir, "best")}); evaluate with: ` +
      `deno task eval ${run.runDir} --data ${c.data}`,
  );
}

if (import.meta.main) runMain(() => withPermissionHint(() => main(Deno.args)));
