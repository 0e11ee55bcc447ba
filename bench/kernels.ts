/**
 * Kernel micro-benchmark: the project's wasm kernels against the stock wasm kernels they replace (and
 * the forward conv they are built from), on ResNet-like shapes. Best of a few runs, milliseconds and
 * GFLOP/s where FLOPs are meaningful.
 */
import * as tf from "@tensorflow/tfjs";
import { type BackendWasm, callStock } from "../src/backend/wasm/kernel_util.ts";

/** One kernel timing. */
export interface KernelTiming {
  name: string;
  shape: string;
  projectMs: number;
  stockMs?: number;
  forwardConvMs?: number;
  gflops?: number;
}

function best(f: () => tf.TensorInfo | tf.Tensor, reps: number): number {
  let ms = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const out = f();
    const t = out instanceof tf.Tensor ? out : tf.engine().makeTensorFromTensorInfo(out);
    t.dataSync();
    ms = Math.min(ms, performance.now() - t0);
    t.dispose();
  }
  return ms;
}

/** Times the kernels on wasm (which must be the current backend, with the project kernels). */
export function kernelTimings(quick: boolean): KernelTiming[] {
  const reps = quick ? 2 : 5;
  const backend = tf.backend() as unknown as BackendWasm;
  const out: KernelTiming[] = [];
  const convs: [number, number, number, number, number, number][] = quick
    ? [[3, 56, 64, 64, 3, 1], [16, 64, 32, 32, 3, 2], [3, 7, 512, 512, 3, 1]]
    : [
      [3, 56, 64, 64, 3, 1],
      [3, 28, 128, 128, 3, 1],
      [3, 7, 512, 512, 3, 1],
      [3, 14, 256, 1024, 1, 1],
      [1, 230, 3, 64, 7, 2],
      [16, 64, 32, 32, 3, 2],
      [16, 32, 32, 32, 3, 1],
    ];
  for (const [n, h, ci, co, k, s] of convs) {
    const pad = k === 7 ? "valid" : "same";
    const x = tf.randomNormal([n, h, h, ci]) as tf.Tensor4D,
      w = tf.randomNormal([k, k, ci, co]) as tf.Tensor4D;
    const dy = tf.conv2d(x, w, s, pad);
    const flops = 2 * dy.size * ci * k * k;
    const shape = `x ${n}×${h}×${h}×${ci}, ${k}×${k}×${ci}×${co}, stride ${s}`;
    const fwd = best(() => tf.conv2d(x, w, s, pad), reps);
    const dwAttrs = { strides: s, pad, dataFormat: "NHWC", filterShape: [k, k, ci, co] };
    const dw = best(
      () => tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, dwAttrs as never) as tf.Tensor,
      reps,
    );
    const dxAttrs = { strides: s, pad, dataFormat: "NHWC", inputShape: x.shape };
    const dx = best(
      () => tf.engine().runKernel("Conv2DBackpropInput", { dy, filter: w }, dxAttrs as never) as tf.Tensor,
      reps,
    );
    const dxStock = best(
      () => callStock("Conv2DBackpropInput", backend, { dy, filter: w }, dxAttrs as never),
      1,
    );
    out.push({
      name: "Conv2DBackpropFilter",
      shape,
      projectMs: dw,
      forwardConvMs: fwd,
      gflops: flops / dw / 1e6,
    });
    out.push({
      name: "Conv2DBackpropInput",
      shape,
      projectMs: dx,
      stockMs: dxStock,
      forwardConvMs: fwd,
      gflops: flops / dx / 1e6,
    });
    tf.dispose([x, w, dy]);
  }
  const a = tf.randomNormal([1024, 2048]), b = tf.randomNormal([1024, 512]);
  const mmFlops = 2 * 2048 * 1024 * 512;
  const mm = (ta: boolean) => () =>
    tf.engine().runKernel("BatchMatMul", { a, b }, { transposeA: ta, transposeB: false });
  out.push({
    name: "BatchMatMul transposeA",
    shape: "[1024,2048]ᵀ·[1024,512]",
    projectMs: best(mm(true) as () => tf.Tensor, reps),
    stockMs: best(
      () => callStock("BatchMatMul", backend, { a, b }, { transposeA: true, transposeB: false }),
      1,
    ),
  });
  out.at(-1)!.gflops = mmFlops / out.at(-1)!.projectMs / 1e6;
  const act = tf.randomNormal([3, 56, 56, 256]), vec = tf.randomNormal([1, 1, 1, 256]);
  const simple: [string, string, () => tf.Tensor, () => tf.TensorInfo][] = [
    [
      "Tile",
      "[1,1,1,256] → [3,56,56,256]",
      () => tf.tile(vec, [3, 56, 56, 1]),
      () => callStock("Tile", backend, { x: vec }, { reps: [3, 56, 56, 1] }),
    ],
    [
      "Sum",
      "[3,56,56,256] over N,H,W",
      () => tf.sum(act, [0, 1, 2]),
      () => callStock("Sum", backend, { x: act }, { axis: [0, 1, 2], keepDims: false }),
    ],
    [
      "Transpose",
      "[3,56,56,256] → [256,56,56,3]",
      () => tf.transpose(act, [3, 1, 2, 0]),
      () => callStock("Transpose", backend, { x: act }, { perm: [3, 1, 2, 0] }),
    ],
    [
      "StridedSlice",
      "[3,56,56,256][:, ::2, ::2]",
      () => tf.stridedSlice(act, [0, 0, 0, 0], [3, 56, 56, 256], [1, 2, 2, 1]),
      () =>
        callStock("StridedSlice", backend, { x: act }, {
          begin: [0, 0, 0, 0],
          end: [3, 56, 56, 256],
          strides: [1, 2, 2, 1],
          beginMask: 0,
          endMask: 0,
          ellipsisMask: 0,
          newAxisMask: 0,
          shrinkAxisMask: 0,
        }),
    ],
    [
      "Reverse",
      "[3,56,56,256] on H,W",
      () => tf.reverse(act, [1, 2]),
      () => callStock("Reverse", backend, { x: act }, { dims: [1, 2] }),
    ],
  ];
  for (const [name, shape, project, stock] of simple) {
    out.push({ name, shape, projectMs: best(project, reps), stockMs: best(stock, 1) });
  }
  tf.dispose([a, b, act, vec]);
  return out;
}
