/**
 * `deno task bench [--quick] [--kernels] [--backends onednn,wasm,…] [--graphs small64,attention224]
 * [--batch N] [--peer torch] [--threads N] [--out DIR]`: training-step throughput of the paper's attention
 * MTL graph at 224×224 and the small-trunk attention graph at 64×64 on each backend, side by side — the
 * trainer's own step (`trainStep`: Adam, the project's loss, micro-batches as the trainer chooses) — and,
 * with `--peer torch`, PyTorch on the same graphs, batch and threads in the same run; then the data
 * pipeline's rate (cache → augmented batch) at 64 and 224 against the fastest step. Writes
 * `<out>/bench-<time>.json` and `<out>/latest.json`. `--kernels` times the project's wasm kernels against
 * the stock ones instead.
 *
 * @module
 */
import { join } from "node:path";
import { BACKEND_NAMES, parseBackendName } from "../backend/mod.ts";
import { describeBackend, useBackend } from "../backend/mod.ts";
import { compileGraphFile } from "../compiler/model.ts";
import { type KernelTiming, kernelTimings } from "../../bench/kernels.ts";
import { dataPipelineLine, type DataPipelineResult, measureDataPipeline } from "../../bench/data_pipeline.ts";
import { autoMicroBatch } from "../train/accumulate.ts";
import { type BenchBackend, type BenchGraph, runBench } from "../../bench/run.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";
import { defineCommand } from "./command.ts";
import { COMMON_FLAGS } from "./common_flags.ts";

const DEFAULT_BACKENDS: BenchBackend[] = ["onednn", "wasm", "tensorflow-gpu", "tensorflow", "webgpu", "cpu"];

/** The two graphs; batch sizes of a full run (`--batch` overrides) and of a one-minute `--quick` run. */
export function benchGraphs(quick: boolean, batch?: number): BenchGraph[] {
  return [
    {
      id: "small64",
      file: "examples/small_attention_mtl.ts",
      size: 64,
      batch: batch ?? (quick ? 8 : 32),
      cpuProbeSize: quick ? 16 : 32,
    },
    {
      id: "attention224",
      file: "graphs/attention_mtl.ts",
      size: 224,
      batch: batch ?? (quick ? 1 : 16),
      // A 32×32 cpu step of the ResNet50 graph takes ~50 s: only in the full run.
      cpuProbeSize: quick ? undefined : 32,
    },
  ];
}

function list(value: string | undefined, flag: string): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(",").map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UserError(flag, "needs a comma-separated list");
  return items;
}

/** The `bench` command. */
export const BENCH = defineCommand({
  name: "bench",
  usage: "[--quick] [--kernels] [--backends LIST] [--graphs LIST] [--batch N] [--peer torch] [--threads N]",
  about: "Training-step throughput of each graph on each backend, side by side: the trainer's own step\n" +
    "(trainStep: Adam, the project's loss, micro-batches as the trainer chooses). With --peer torch,\n" +
    "PyTorch trains the same graph (its `deno task export` code) at the same batch on the same threads.\n" +
    "Then the data pipeline's rate (cache → augmented batch) at 64 and 224.",
  flags: {
    quick: { type: "boolean", default: false, help: "one step each, small batches: under a minute" },
    kernels: {
      type: "boolean",
      default: false,
      help: "time the project's wasm kernels against the stock ones instead",
    },
    backends: {
      type: "string",
      arg: "LIST",
      defaultText: DEFAULT_BACKENDS.join(","),
      help: "backends to time, comma-separated",
    },
    graphs: { type: "string", arg: "LIST", defaultText: "small64,attention224", help: "graphs to time" },
    batch: { type: "int", arg: "N", defaultText: "32 at 64×64, 16 at 224×224", help: "examples per step" },
    peer: { type: "string", arg: "NAME", choices: ["torch"], help: "also time PyTorch on the same graphs" },
    threads: {
      type: "int",
      arg: "N",
      min: 1,
      max: 1024,
      defaultText: "all cores",
      help: "CPU threads (onednn, torch)",
    },
    data: {
      type: "boolean",
      default: true,
      negatable: true,
      help: "time the data pipeline (--no-data: skip)",
    },
    out: { ...COMMON_FLAGS.out, default: join("out", "bench") },
  },
  writes: ["out"],
}, async ({ values }) => {
  const named = list(values.backends, "--backends")?.map(parseBackendName);
  if (named?.includes("auto")) {
    throw new UserError("--backends", `name backends explicitly: ${BACKEND_NAMES.slice(1).join(", ")}`);
  }
  const backends = (named as BenchBackend[] | undefined) ?? DEFAULT_BACKENDS;
  const all = benchGraphs(values.quick, values.batch);
  const ids = list(values.graphs, "--graphs");
  const unknown = ids?.filter((id) => !all.some((g) => g.id === id));
  if (unknown?.length) {
    throw new UserError(
      "--graphs",
      `unknown graph ${unknown.join(", ")}; choose from ${all.map((g) => g.id).join(", ")}`,
    );
  }
  const graphs = ids ? all.filter((g) => ids.includes(g.id)) : all;

  const started = new Date();
  const t0 = performance.now();
  if (values.kernels) {
    console.log(describeBackend(await useBackend("wasm")));
    const timings = kernelTimings(values.quick);
    for (const k of timings) console.log(kernelLine(k));
    await writeJson(values.out, started, {
      date: started.toISOString(),
      quick: values.quick,
      kernels: timings,
    });
    return;
  }
  console.log(
    `bench${values.quick ? " --quick" : ""}: ${graphs.map((g) => `${g.id} (batch ${g.batch})`).join(", ")}`,
  );
  const result = await runBench({
    graphs,
    backends,
    explicit: named !== undefined,
    quick: values.quick,
    threads: values.threads,
    peer: values.peer as "torch" | undefined,
    build: (file, size) => compileGraphFile(file, { inputSize: size }),
    microBatch: (backend, ir, batch) => autoMicroBatch(backend)(ir, batch),
    log: (line) => console.log(line),
  });
  console.log(`\ntimed: ${result.timed}`);
  for (const line of result.ratios) console.log(line);
  const data: DataPipelineResult[] = [];
  if (values.data) {
    console.log("");
    for (const [size, mode] of [[64, "memory"], [224, "streamed"]] as const) {
      const r = await measureDataPipeline({
        size,
        mode,
        seconds: values.quick ? 1 : 3,
        images: values.quick ? 512 : 2048,
      });
      data.push(r);
      const fastest = Math.max(
        0,
        ...result.rows.filter((x) => x.inputSize === size).map((x) => x.imagesPerSec),
      );
      console.log(
        dataPipelineLine(r) +
          (fastest > 0 ? ` | ${(r.imagesPerSecond / fastest).toFixed(1)}× the fastest step` : ""),
      );
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const json = {
    date: started.toISOString(),
    quick: values.quick,
    seconds,
    machine: {
      cpus: navigator.hardwareConcurrency,
      os: Deno.build.os,
      arch: Deno.build.arch,
      deno: Deno.version.deno,
    },
    note:
      "effective GFLOP/s = 3 × forward FLOPs (convolutions and dense layers, 2 per multiply-add) per step time",
    ...result,
    data,
  };
  const file = await writeJson(values.out, started, json);
  console.log(`\nwrote ${file} (${seconds.toFixed(0)} s)`);
});

/** Writes `<out>/bench-<time>.json` (kernels-<time>.json for --kernels) and `<out>/latest*.json`. */
async function writeJson(out: string, started: Date, json: Record<string, unknown>): Promise<string> {
  const stamp = started.toISOString().replace(/[:.]/g, "-");
  const prefix = "kernels" in json ? "kernels" : "bench";
  const text = JSON.stringify(json, null, 2) + "\n";
  await Deno.mkdir(out, { recursive: true });
  const file = join(out, `${prefix}-${stamp}.json`);
  await writeFileAtomic(file, text);
  await writeFileAtomic(join(out, prefix === "bench" ? "latest.json" : "latest-kernels.json"), text);
  return file;
}

function kernelLine(k: KernelTiming): string {
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const parts = [`${k.name.padEnd(22)} ${k.shape.padEnd(40)} ${ms(k.projectMs).padStart(9)}`];
  if (k.gflops !== undefined) parts.push(`${k.gflops.toFixed(1)} GFLOP/s`);
  if (k.forwardConvMs !== undefined) parts.push(`forward conv ${ms(k.forwardConvMs)}`);
  if (k.stockMs !== undefined) {
    parts.push(`stock ${ms(k.stockMs)} (${(k.stockMs / k.projectMs).toFixed(1)}x)`);
  }
  return parts.join(" | ");
}

if (import.meta.main) BENCH.main();
