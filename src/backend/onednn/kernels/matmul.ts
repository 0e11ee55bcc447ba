/**
 * BatchMatMul on oneDNN's matmul primitive (dense layers and their gradients, the attention layer's
 * batched products). Transposed operands are described by layout, not copied; a batch of 1 on one
 * side broadcasts. Other batch broadcasts and dtypes go to the cpu kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { ARG, SIZE, TAG } from "../abi.ts";
import { allFloat32, cpuKernel, type OnednnKernelArgs } from "../backend.ts";
import { check, type Engine, type Primitive } from "../engine.ts";

function matmul(
  engine: Engine,
  a: [number, number, number],
  b: [number, number, number],
  out: [number, number, number],
  ta: boolean,
  tb: boolean,
): Primitive {
  return engine.cached(`matmul:${a}:${b}:${ta}:${tb}`, () => {
    const src = engine.md(a, ta ? TAG.acb : TAG.abc);
    const weights = engine.md(b, tb ? TAG.acb : TAG.abc);
    const dst = engine.md(out, TAG.abc);
    const desc = new Uint8Array(SIZE.anyDesc);
    check(engine.dnnl.dnnl_matmul_desc_init(desc, src.bytes, weights.bytes, null, dst.bytes), "matmul desc");
    return engine.primitive(desc).bind(ARG.src, src).bind(ARG.weights, weights).bind(ARG.dst, dst);
  });
}

const cpuBatchMatMul = cpuKernel(tf.BatchMatMul);

/** BatchMatMul: `{a, b}` with `transposeA`, `transposeB`. */
export function batchMatMul({ inputs, backend, attrs }: OnednnKernelArgs): tf.TensorInfo {
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  const batchA = a.shape.slice(0, -2), batchB = b.shape.slice(0, -2);
  const [na, nb] = [tf.util.sizeFromShape(batchA), tf.util.sizeFromShape(batchB)];
  const sameBatch = tf.util.arraysEqual(batchA, batchB);
  if (!allFloat32(a, b) || a.shape.length < 2 || b.shape.length < 2 || (!sameBatch && na !== 1 && nb !== 1)) {
    return cpuBatchMatMul({ inputs, backend, attrs }) as tf.TensorInfo;
  }
  const [ra, ca] = a.shape.slice(-2), [rb, cb] = b.shape.slice(-2);
  const [m, k] = transposeA ? [ca, ra] : [ra, ca];
  const n = transposeB ? rb : cb;
  const batch = Math.max(na, nb);
  const outShape = [...(sameBatch || nb === 1 ? batchA : batchB), m, n];
  if (outShape.length === 2 && batch !== 1) {
    return cpuBatchMatMul({ inputs, backend, attrs }) as tf.TensorInfo;
  }
  const y = backend.alloc(batch * m * n, k === 0);
  if (y.length > 0 && k > 0) {
    matmul(backend.engine, [na, m, k], [nb, k, n], [batch, m, n], transposeA, transposeB).run([
      [ARG.src, backend.f32(a)],
      [ARG.weights, backend.f32(b)],
      [ARG.dst, y],
    ]);
  }
  return backend.output(outShape, y);
}
