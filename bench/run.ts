/**
 * The training-step benchmark: each graph on each backend side by side — and, with `--peer torch`,
 * PyTorch on the same graph, batch and cores — as images/s and effective GFLOP/s (a step counted as
 * 3 × forward FLOPs). Every row times the trainer's own step (see train_step.ts). The cpu backend is far
 * too slow to run a real step, so it is timed on a small input and scaled by FLOPs; its rows say so.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { type BackendName, describeBackend, useBackend } from "../src/backend/mod.ts";
import { nativeMissing } from "../src/backend/native.ts";
import { isHardwareAdapter, probeAdapter } from "../src/backend/webgpu.ts";
import type { IR } from "../src/compiler/mod.ts";
import { forwardConvRate } from "./conv_rate.ts";
import { forwardFlopsPerImage, RESNET50_FORWARD_FLOPS } from "./flops.ts";
import { type PeerResult, runTorchPeer, torchMissing } from "./peer/torch.ts";
import { makeTrainStep, TIMED, timeSteps } from "./train_step.ts";

/** A graph to benchmark. */
export interface BenchGraph {
  id: string;
  file: string;
  size: number;
  batch: number;
  /** Input size at which the cpu backend is timed (then scaled by FLOPs); absent: use another row's rate. */
  cpuProbeSize?: number;
}

/** Builds a graph file at an input size (the compiler, injected). */
export type BuildModel = (file: string, size: number) => Promise<{ model: tf.LayersModel; ir: IR }>;

/** A backend the bench can time (never auto). */
export type BenchBackend = Exclude<BackendName, "auto">;

/** Benchmark settings. */
export interface BenchOptions {
  graphs: BenchGraph[];
  backends: BenchBackend[];
  /** Backends named by the user: run even if slow (a software WebGPU adapter). */
  explicit: boolean;
  quick: boolean;
  /** CPU threads for onednn and the peer (default: all cores). */
  threads?: number;
  /** Also time PyTorch on the same graphs. */
  peer?: "torch";
  build: BuildModel;
  /** The micro-batch the trainer would use for a graph on a backend. */
  microBatch: (backend: string, ir: IR, batch: number) => number;
  log: (line: string) => void;
}

/** One graph on one backend (or the peer). */
export interface BenchRow {
  graph: string;
  backend: string;
  batch: number;
  /** Examples per forward/backward pass. */
  microBatch?: number;
  /** CPU threads the side used, where known. */
  threads?: number;
  inputSize: number;
  /** Input size actually timed (differs when estimated). */
  timedSize: number;
  /** How the number was obtained when it was not a full-size step. */
  estimate?: string;
  msPerStep: number;
  imagesPerSec: number;
  forwardGflopPerImage: number;
  effectiveGflops: number;
  forwardConvGflops?: number;
  stepShareOfConv?: number;
}

/** The benchmark's result (also written as JSON). */
export interface BenchResult {
  timed: string;
  rows: BenchRow[];
  skipped: { backend: string; reason: string }[];
  ratios: string[];
}

const fmt = (x: number, digits = 2) =>
  x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(digits) : x.toPrecision(2);

async function skipReason(b: BenchBackend, o: BenchOptions): Promise<string | undefined> {
  if (b === "tensorflow" || b === "tensorflow-gpu") return nativeMissing(b);
  if (b === "webgpu") {
    const { info, reason } = await probeAdapter();
    if (!info) return reason;
    if (!isHardwareAdapter(info) && (o.quick || !o.explicit)) {
      return `software adapter (${info.description || info.vendor}); name it with --backends to run anyway`;
    }
  }
  return undefined;
}

async function measure(g: BenchGraph, backend: string, o: BenchOptions, size: number, batch: number) {
  const { model, ir } = await o.build(g.file, size);
  const micro = o.microBatch(backend, ir, batch);
  const step = makeTrainStep(model, ir, batch, micro);
  try {
    const heavy = backend === "cpu";
    const ms = await timeSteps(step, heavy ? 0 : 2, o.quick || heavy ? 1 : 3, o.quick || heavy ? 0 : 10);
    const fwd = forwardFlopsPerImage(model);
    const conv = heavy ? undefined : await forwardConvRate(model, Math.min(micro, o.quick ? 1 : micro), size);
    return { ms, fwd, conv, micro };
  } finally {
    step.dispose();
    model.dispose();
  }
}

function logRow(o: BenchOptions, r: BenchRow): void {
  const how = r.estimate
    ? ` (estimate: ${r.estimate})`
    : ` (batch ${r.batch}${r.microBatch && r.microBatch < r.batch ? ` in passes of ${r.microBatch}` : ""}, ` +
      `${fmt(r.msPerStep / 1000)} s/step${
        r.threads ? `, ${r.threads} thread${r.threads === 1 ? "" : "s"}` : ""
      })`;
  o.log(
    `  ${r.graph} ${r.backend}: ${fmt(r.imagesPerSec)} images/s, ${
      fmt(r.effectiveGflops)
    } GFLOP/s effective${how}`,
  );
}

/** Runs the benchmark; progress goes to `o.log`. */
export async function runBench(o: BenchOptions): Promise<BenchResult> {
  const rows: BenchRow[] = [];
  const skipped: BenchResult["skipped"] = [];
  const fullFlops = new Map<string, number>(); // forward FLOPs per image at the graph's own size
  for (const backend of o.backends) {
    const reason = await skipReason(backend, o);
    if (reason) {
      skipped.push({ backend, reason });
      o.log(`skip ${backend}: ${reason}`);
      continue;
    }
    let chosen;
    try {
      chosen = await useBackend(backend, { threads: o.threads });
    } catch (e) {
      skipped.push({ backend, reason: (e as Error).message });
      o.log(`skip ${backend}: ${(e as Error).message}`);
      continue;
    }
    o.log(describeBackend(chosen));
    for (const g of o.graphs) {
      if (backend === "cpu") {
        const probe = g.cpuProbeSize;
        if (!fullFlops.has(g.id)) {
          const { model } = await o.build(g.file, g.size);
          fullFlops.set(g.id, forwardFlopsPerImage(model));
          model.dispose();
        }
        const fwd = fullFlops.get(g.id)!;
        let rate: number, estimate: string;
        if (probe) {
          const m = await measure(g, backend, o, probe, 1);
          rate = 3 * m.fwd / (m.ms / 1000);
          estimate = `timed at ${probe}×${probe}, batch 1, scaled by FLOPs`;
        } else {
          const other = rows.find((r) => r.backend === "cpu");
          if (!other) continue;
          rate = other.effectiveGflops * 1e9;
          estimate = `${other.graph}'s cpu rate applied to this graph's FLOPs`;
        }
        const ms = 1000 * 3 * fwd * g.batch / rate;
        rows.push(row(g, backend, g.batch, probe ?? g.size, ms, fwd, { estimate, threads: 1 }));
      } else {
        const m = await measure(g, backend, o, g.size, g.batch);
        fullFlops.set(g.id, m.fwd);
        rows.push(
          row(g, backend, g.batch, g.size, m.ms, m.fwd, {
            conv: m.conv,
            micro: m.micro,
            threads: chosen.threads,
          }),
        );
      }
      logRow(o, rows.at(-1)!);
    }
  }
  if (o.peer === "torch") {
    const missing = await torchMissing();
    if (missing) {
      skipped.push({ backend: "torch", reason: missing });
      o.log(`skip torch: ${missing}`);
    } else {
      const threads = o.threads ?? navigator.hardwareConcurrency;
      o.log(`peer: PyTorch replica of each graph (deno task export), same batch, ${threads} threads`);
      for (const g of o.graphs) {
        const p: PeerResult = await runTorchPeer({
          graph: g.file,
          size: g.size,
          batch: g.batch,
          threads,
          steps: o.quick ? 1 : 3,
          seconds: o.quick ? 0 : 10,
          warmup: o.quick ? 1 : 2,
        });
        const fwd = fullFlops.get(g.id) ?? 0;
        rows.push(row(g, `torch`, g.batch, g.size, p.msPerStep, fwd, { threads: p.threads }));
        o.log(`  (torch ${p.torch}, ${p.memoryFormat} memory format)`);
        logRow(o, rows.at(-1)!);
      }
    }
  }
  return { timed: TIMED, rows, skipped, ratios: ratioLines(rows) };
}

function row(
  g: BenchGraph,
  backend: string,
  batch: number,
  timedSize: number,
  ms: number,
  fwd: number,
  extra: { conv?: number; micro?: number; threads?: number; estimate?: string } = {},
): BenchRow {
  const effective = 3 * fwd * batch / ms / 1e6;
  return {
    graph: g.id,
    backend,
    batch,
    ...(extra.micro === undefined ? {} : { microBatch: extra.micro }),
    ...(extra.threads === undefined ? {} : { threads: extra.threads }),
    inputSize: g.size,
    timedSize,
    ...(extra.estimate ? { estimate: extra.estimate } : {}),
    msPerStep: ms,
    imagesPerSec: batch / (ms / 1000),
    forwardGflopPerImage: fwd / 1e9,
    effectiveGflops: effective,
    ...(extra.conv === undefined
      ? {}
      : { forwardConvGflops: extra.conv, stepShareOfConv: effective / extra.conv }),
  };
}

/**
 * The comparison lines: `<graph> onednn/torch: R×` (the figure the onednn backend is judged by), every
 * backend against wasm, and the share of its own forward-conv speed each step reaches.
 */
export function ratioLines(rows: BenchRow[]): string[] {
  const lines: string[] = [];
  const graphs = [...new Set(rows.map((r) => r.graph))];
  for (const g of graphs) {
    const of = (b: string) => rows.find((r) => r.graph === g && r.backend === b);
    const torch = of("torch");
    for (const r of rows.filter((r) => r.graph === g && r.backend !== "torch" && torch)) {
      lines.push(
        `${g} ${r.backend}/torch: ${fmt(r.imagesPerSec / torch!.imagesPerSec, 2)}× ` +
          `(${r.threads ?? "?"} vs ${torch!.threads} threads, batch ${r.batch})`,
      );
    }
    const wasm = of("wasm");
    for (
      const r of rows.filter((r) => r.graph === g && r.backend !== "wasm" && r.backend !== "torch" && wasm)
    ) {
      const note = r.estimate ? ` (${r.backend} estimated)` : "";
      const [fast, slow] = r.imagesPerSec > wasm!.imagesPerSec ? [r, wasm!] : [wasm!, r];
      lines.push(
        `${g} ${fast.backend}/${slow.backend} speedup: ${
          fmt(fast.imagesPerSec / slow.imagesPerSec, 1)
        }x${note}`,
      );
    }
    for (const r of rows.filter((r) => r.graph === g && r.stepShareOfConv !== undefined)) {
      lines.push(
        `${g} ${r.backend} step: ${fmt(r.effectiveGflops)} of ${
          fmt(r.forwardConvGflops!)
        } GFLOP/s forward-conv ` +
          `= ${(100 * r.stepShareOfConv!).toFixed(0)}%`,
      );
    }
  }
  const att = rows.find((r) => r.graph.startsWith("attention") && !r.estimate);
  if (att) {
    lines.push(
      `${att.graph}: ${fmt(att.forwardGflopPerImage)} GFLOP forward per image counted from the model ` +
        `(ResNet50 alone: ${
          RESNET50_FORWARD_FLOPS / 1e9
        }; the branches' own conv5_block3 copies add the rest)`,
    );
  }
  return lines;
}
