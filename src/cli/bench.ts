/**
 * `deno task bench [--quick] [--kernels] [--backends wasm,cpu,...] [--graphs small64,attention224] [--out DIR]`:
 * training-step throughput of the paper's attention MTL graph at 224×224 and the small-trunk attention
 * graph at 64×64, on wasm with the project's kernels, stock cpu (timed small, scaled by FLOPs) and the
 * native / WebGPU backends where they load. Writes `<out>/bench-<time>.json` and `<out>/latest.json`.
 * `--quick` (one step each, batch 1 at 224) finishes within a minute on 2 cores. `--kernels` times the
 * project's wasm kernels against the stock ones instead.
 */
import { join } from "node:path";
import { compileGraphFile } from "../compiler/model.ts";
import {
  BACKEND_NAMES,
  type BackendName,
  describeBackend,
  parseBackendName,
  useBackend,
} from "../backend/mod.ts";
import { type KernelTiming, kernelTimings } from "../../bench/kernels.ts";
import { chooseMicroBatch } from "../train/accumulate.ts";
import { type BenchGraph, runBench } from "../../bench/run.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { UserError } from "../util/errors.ts";
import { parseArgs } from "./args.ts";
import { runMain } from "./main.ts";

const USAGE =
  "deno task bench [--quick] [--kernels] [--backends wasm,cpu,tensorflow-gpu,tensorflow,webgpu] " +
  "[--graphs small64,attention224] [--out out/bench]";
type Concrete = Exclude<BackendName, "auto">;
const DEFAULT_BACKENDS: Concrete[] = ["wasm", "tensorflow-gpu", "tensorflow", "webgpu", "cpu"];

/** The two graphs; batch sizes fit wasm's heap (full) or a one-minute run (quick). */
export function benchGraphs(quick: boolean): BenchGraph[] {
  return [
    {
      id: "small64",
      file: "examples/small_attention_mtl.ts",
      size: 64,
      batch: quick ? 8 : 32,
      cpuProbeSize: quick ? 16 : 32,
    },
    {
      id: "attention224",
      file: "graphs/attention_mtl.ts",
      size: 224,
      batch: quick ? 1 : chooseMicroBatch(224, "wasm"),
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

/** Runs the benchmark command. */
export async function benchCommand(args: string[]): Promise<void> {
  const { values } = parseArgs(args, {
    quick: { type: "boolean", default: false },
    kernels: { type: "boolean", default: false },
    backends: { type: "string" },
    graphs: { type: "string" },
    out: { type: "string", default: join("out", "bench") },
  }, USAGE);
  const named = list(values.backends, "--backends")?.map(parseBackendName);
  if (named?.includes("auto")) {
    throw new UserError("--backends", `name backends explicitly: ${BACKEND_NAMES.slice(1).join(", ")}`);
  }
  // wasm first: its rows are the reference the ratio lines divide by.
  const backends = (named as Concrete[] | undefined ?? DEFAULT_BACKENDS)
    .sort((a, b) => Number(b === "wasm") - Number(a === "wasm"));
  const all = benchGraphs(values.quick!);
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
    const timings = kernelTimings(values.quick!);
    for (const k of timings) console.log(kernelLine(k));
    await writeJson(values.out!, started, {
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
    quick: values.quick!,
    build: async (file, size) => (await compileGraphFile(file, { inputSize: size })).model,
    log: (line) => console.log(line),
  });
  console.log("");
  for (const line of result.ratios) console.log(line);
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
  };
  const file = await writeJson(values.out!, started, json);
  console.log(`\nwrote ${file} (${seconds.toFixed(0)} s)`);
}

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

if (import.meta.main) runMain(() => benchCommand(Deno.args));
