/**
 * The training-step benchmark: each graph on each backend, side by side, as images/s and effective
 * GFLOP/s (a step counted as 3 × forward FLOPs), wasm/other speed-up lines, and the share of the
 * backend's own forward-conv rate a full step reaches. The cpu backend is far too slow to run a real
 * step (~0.01 GFLOP/s), so it is timed on a small input and scaled by FLOPs; rows say so.
 */
import * as tf from "@tensorflow/tfjs";
import { type BackendName, describeBackend, useBackend } from "../src/backend/mod.ts";
import { nativeMissing } from "../src/backend/native.ts";
import { isHardwareAdapter, probeAdapter } from "../src/backend/webgpu.ts";
import { forwardConvRate } from "./conv_rate.ts";
import { forwardFlopsPerImage, RESNET50_FORWARD_FLOPS } from "./flops.ts";
import { makeTrainStep, timeSteps } from "./train_step.ts";

/** A graph to benchmark. */
export interface BenchGraph {
  id: string;
  file: string;
  size: number;
  batch: number;
  /** Input size at which the cpu backend is timed (then scaled by FLOPs); absent: use another row's rate. */
  cpuProbeSize?: number;
}

/** Builds the tfjs model of a graph file at an input size (the compiler, injected). */
export type BuildModel = (file: string, size: number) => Promise<tf.LayersModel>;

/** Benchmark settings. */
export interface BenchOptions {
  graphs: BenchGraph[];
  backends: Exclude<BackendName, "auto">[];
  /** Backends named by the user: run even if slow (a software WebGPU adapter). */
  explicit: boolean;
  quick: boolean;
  build: BuildModel;
  log: (line: string) => void;
}

/** One graph on one backend. */
export interface BenchRow {
  graph: string;
  backend: string;
  batch: number;
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
  rows: BenchRow[];
  skipped: { backend: string; reason: string }[];
  ratios: string[];
}

const fmt = (x: number, digits = 2) =>
  x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(digits) : x.toPrecision(2);

async function skipReason(b: Exclude<BackendName, "auto">, o: BenchOptions): Promise<string | undefined> {
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
  const model = await o.build(g.file, size);
  const step = makeTrainStep(model, batch, size);
  try {
    const heavy = backend === "cpu";
    const ms = await timeSteps(step, heavy ? 0 : 1, o.quick || heavy ? 1 : 3);
    const fwd = forwardFlopsPerImage(model);
    const conv = heavy ? undefined : await forwardConvRate(model, Math.min(batch, o.quick ? 1 : batch), size);
    return { ms, fwd, conv };
  } finally {
    step.dispose();
    model.dispose();
  }
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
    o.log(describeBackend(await useBackend(backend)));
    for (const g of o.graphs) {
      if (backend === "cpu") {
        const probe = g.cpuProbeSize;
        if (!fullFlops.has(g.id)) {
          const model = await o.build(g.file, g.size);
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
        rows.push(row(g, backend, g.batch, probe ?? g.size, ms, fwd, undefined, estimate));
      } else {
        const m = await measure(g, backend, o, g.size, g.batch);
        fullFlops.set(g.id, m.fwd);
        rows.push(row(g, backend, g.batch, g.size, m.ms, m.fwd, m.conv));
      }
      const r = rows.at(-1)!;
      o.log(
        `  ${r.graph} ${r.backend}: ${fmt(r.imagesPerSec)} images/s, ${
          fmt(r.effectiveGflops)
        } GFLOP/s effective` +
          (r.estimate
            ? ` (estimate: ${r.estimate})`
            : ` (batch ${r.batch}, ${fmt(r.msPerStep / 1000)} s/step)`),
      );
    }
  }
  return { rows, skipped, ratios: ratioLines(rows) };
}

function row(
  g: BenchGraph,
  backend: string,
  batch: number,
  timedSize: number,
  ms: number,
  fwd: number,
  conv: number | undefined,
  estimate?: string,
): BenchRow {
  const effective = 3 * fwd * batch / ms / 1e6;
  return {
    graph: g.id,
    backend,
    batch,
    inputSize: g.size,
    timedSize,
    ...(estimate ? { estimate } : {}),
    msPerStep: ms,
    imagesPerSec: batch / (ms / 1000),
    forwardGflopPerImage: fwd / 1e9,
    effectiveGflops: effective,
    ...(conv === undefined ? {} : { forwardConvGflops: conv, stepShareOfConv: effective / conv }),
  };
}

/** `small64 wasm/cpu speedup: 287x` lines and the share of forward-conv speed each wasm step reaches. */
export function ratioLines(rows: BenchRow[]): string[] {
  const lines: string[] = [];
  for (const w of rows.filter((r) => r.backend === "wasm")) {
    for (const o of rows.filter((r) => r.graph === w.graph && r.backend !== "wasm")) {
      const note = o.estimate ? ` (${o.backend} estimated)` : "";
      lines.push(`${w.graph} wasm/${o.backend} speedup: ${fmt(w.imagesPerSec / o.imagesPerSec, 1)}x${note}`);
    }
    if (w.stepShareOfConv !== undefined) {
      lines.push(
        `${w.graph} wasm step: ${fmt(w.effectiveGflops)} of ${
          fmt(w.forwardConvGflops!)
        } GFLOP/s forward-conv ` +
          `= ${(100 * w.stepShareOfConv).toFixed(0)}%`,
      );
    }
  }
  const att = rows.find((r) => r.graph.startsWith("attention") && r.backend === "wasm");
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
