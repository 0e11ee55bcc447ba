/**
 * The rate the backend's forward convolutions reach on a model's own layers: one inference pass is
 * profiled and the FLOPs of its Conv2D / FusedConv2D kernels are divided by their kernel time. The
 * bench compares a full training step's effective rate with it.
 */
import * as tf from "@tensorflow/tfjs";

const CONV_KERNELS = new Set(["Conv2D", "FusedConv2D", "ProjectConv2DBias"]);

/** FLOPs of one conv kernel call from its input shapes (x, filter) and output shape. */
function convFlops(inputs: number[][], output: number[]): number {
  const filter = inputs[1];
  if (!filter || filter.length !== 4) return 0;
  const [kh, kw, ci] = filter;
  return 2 * output.reduce((a, d) => a * d, 1) * kh * kw * ci;
}

/** Forward-conv GFLOP/s of `model` on a batch of `batch` images of `size`×`size` (after a warm-up pass). */
export async function forwardConvRate(model: tf.LayersModel, batch: number, size: number): Promise<number> {
  const x = tf.randomUniform([batch, size, size, 3], 0, 1, "float32", 2);
  const pass = () => tf.dispose(model.predict(x) as tf.Tensor | tf.Tensor[]);
  try {
    pass();
    const info = await tf.profile(pass);
    let flops = 0, ms = 0;
    for (const k of info.kernels) {
      if (!CONV_KERNELS.has(k.name)) continue;
      flops += convFlops(k.inputShapes as number[][], (k.outputShapes as number[][])[0]);
      ms += await k.kernelTimeMs as number;
    }
    return ms > 0 ? flops / ms / 1e6 : NaN;
  } finally {
    x.dispose();
  }
}
