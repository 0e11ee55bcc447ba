/**
 * `deno task train [GRAPH] [--data …] [flags]` — trains a graph with the paper's protocol into
 * `runs/<graph>/<id>/`; `--resume RUN_DIR` continues a stopped run; `--init-from` warm-starts.
 * With no arguments: examples/small_attention_mtl.ts on the synthetic set at 64×64 (generated into
 * data/synth if missing). See `--help` for every flag.
 *
 * @module
 */
import { join } from "node:path";
import { ensureSynth, parseByteSize } from "../data/mod.ts";
import { autoMicroBatch } from "../train/accumulate.ts";
import { executeRun } from "../train/run.ts";
import { parseSchedule } from "../train/protocol.ts";
import { prepareResume } from "../train/resume.ts";
import { type PreparedRun, prepareNewRun } from "../train/setup.ts";
import { checkRunId, type SplitProgress } from "../run/mod.ts";
import { UserError } from "../util/errors.ts";
import { exists } from "../util/fs.ts";
import { formatDuration } from "../util/progress.ts";
import { defineCommand } from "./command.ts";
import { DEFAULT_DATA } from "./common_flags.ts";
import { guardFromFlags, overridesFromFlags, PROTOCOL_FLAGS, TRAIN_FLAGS } from "./train_flags.ts";

/** What `deno task train` trains when given no graph: measured to be the CPU-friendly choice. */
export const DEFAULT_GRAPH = "examples/small_attention_mtl.ts";
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

/**
 * Decoding progress with images/s and ETA: a line redrawn in place on a terminal; otherwise a line
 * when a split starts (saying how much an interrupted build had done) and one a minute.
 */
function decodeProgress(): SplitProgress {
  const tty = Deno.stdout.isTerminal();
  const enc = new TextEncoder();
  const started = new Set<string>();
  let lastLine = 0;
  return (split, done, total, cached, info) => {
    if (cached) return;
    const rate = info?.rate ? `  ${Math.round(info.rate)} images/s` : "";
    const eta = info?.etaSeconds !== undefined && done < total
      ? `  ETA ${formatDuration(info.etaSeconds)}`
      : "";
    if (tty) {
      Deno.stdout.writeSync(
        enc.encode(
          `\r\x1b[Kdecoding ${split} images ${done}/${total}${rate}${eta}${done === total ? "\n" : ""}`,
        ),
      );
    } else if (!started.has(split)) {
      started.add(split);
      lastLine = performance.now();
      const resumed = info?.resumed ? ` (${info.resumed} already done by an interrupted build)` : "";
      console.log(`decoding ${total} ${split} images${resumed}…`);
    } else if (performance.now() - lastLine > 60_000 && done < total) {
      lastLine = performance.now();
      console.log(`decoding ${split} images ${done}/${total}${rate}${eta}`);
    }
  };
}

/** The `train` command. */
export const TRAIN = defineCommand({
  name: "train",
  usage: "[GRAPH] [--data DIR|SPEC.yaml] [flags]",
  alsoUsage: ["--resume RUN_DIR [--epochs N] [--lr X]"],
  about: "Trains a graph with the paper's protocol (defaults from the graph's training section):\n" +
    "softmax cross-entropy per head × λ, summed; Adam lr 1e-3 → 1e-4 after epoch 25; batch 64;\n" +
    `horizontal flips and shifts. With no GRAPH: ${DEFAULT_GRAPH} on ${DEFAULT_DATA} at ` +
    `${DEFAULT_INPUT_SIZE}×${DEFAULT_INPUT_SIZE}.`,
  positionals: [["GRAPH", "graph file (.ts, .yaml, .json)"]],
  flags: TRAIN_FLAGS,
  writes: ["runs", ".cache", "data"],
}, async ({ values, positionals, given, args, backend }) => {
  if (positionals.length > 1) throw new UserError("", `one graph file at most\nusage: ${TRAIN.usage}`);
  const dataMemory = parseByteSize(values["data-memory"], "--data-memory");
  let run: PreparedRun;
  if (values.resume) {
    const refused = PROTOCOL_FLAGS.filter((f) => given.has(f)).map((f) => "--" + given.get(f));
    if (refused.length || positionals.length) {
      throw new UserError(
        "--resume",
        `continues a run with its stored config.json; drop ${refused.join(", ") || positionals[0]} ` +
          "(a resume may change only --epochs, --lr, --lr-schedule, --checkpoint-every, --max-grad-norm, --max-weight)",
      );
    }
    const schedule = values["lr-schedule"];
    const changes = {
      epochs: values.epochs,
      lr: values.lr,
      schedule: schedule === undefined ? undefined : parseSchedule(schedule),
      checkpointEvery: given.has("checkpoint-every") ? values["checkpoint-every"] : undefined,
      guard: guardFromFlags(values),
      command: ["train", ...args],
    };
    const chosen = await backend();
    run = await prepareResume(values.resume, changes);
    if (run.config.backend !== chosen.name) {
      console.log(
        `note: the run started on ${run.config.backend}; results may differ in the last bits on ${chosen.name}`,
      );
    }
  } else {
    if (values["run-id"] !== undefined) checkRunId(values["run-id"]);
    const isDefault = positionals.length === 0;
    const graph = positionals[0] ?? DEFAULT_GRAPH;
    const inputSize = values["input-size"] ?? (isDefault ? DEFAULT_INPUT_SIZE : undefined);
    const overrides = overridesFromFlags(values);
    if (isDefault) {
      console.log(
        `no graph given: training ${graph} (the paper's attention MTL with a small residual trunk) on ` +
          `${values.data} at ${inputSize}×${inputSize}. Full ResNet50 (graphs/attention_mtl.ts) trains about ` +
          `3× slower on this CPU even at 64×64; name it to train it.`,
      );
    }
    if (values.data === DEFAULT_DATA) await synthIfMissing(values.data);
    const chosen = await backend();
    run = await prepareNewRun({
      graph,
      data: values.data,
      runsDir: values.runs,
      runId: values["run-id"],
      inputSize,
      overrides,
      microBatch: values["micro-batch"] ?? autoMicroBatch(chosen.name),
      seed: values.seed,
      checkpointEvery: values["checkpoint-every"],
      backend: chosen.name,
      initFrom: values["init-from"],
      skipBad: values["skip-bad"] ?? false,
      command: ["train", ...args],
      guard: guardFromFlags(values),
    });
  }
  const c = run.config;
  console.log(
    `run ${run.runDir}: ${c.graphName} at ${c.inputSize}×${c.inputSize}, ${c.epochs} epoch${
      c.epochs === 1 ? "" : "s"
    }, batch ${c.batchSize} ` +
      `(micro-batch ${c.microBatch}), adam lr ${c.optimizer.lr}` +
      c.schedule.map((s) => ` → ${s.lr} after epoch ${s.afterEpoch}`).join("") +
      `, augment flip ${c.augment.flip ? "on" : "off"} shift ${c.augment.shift}, seed ${c.seed}, ` +
      `λ ${c.heads.map((h) => `${h.name} ${h.lossWeight}`).join(", ")}`,
  );
  console.log(`stop any time; continue with: deno task train --resume ${run.runDir}`);
  const t0 = performance.now();
  const result = await executeRun(run, {
    cacheDir: values.cache,
    decodeProgress: decodeProgress(),
    curves: values.curves,
    stopAfterSteps: values["stop-after-steps"],
    dataMemory,
    // A new run whose data cannot be read leaves nothing behind (its folder holds only its config and spec).
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
});

if (import.meta.main) TRAIN.main();
