/**
 * The convolution layer as the compiler lowers it: Keras' `Conv2D` (same class name, config and weights,
 * so saved models load anywhere tfjs runs). On a backend with the fused {@link CONV2D_BIAS} kernel
 * (onednn) the convolution and its bias are one kernel whose gradients are computed only for the inputs
 * that need one; elsewhere it is tfjs' own layer.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { stockLayerClass } from "./stock_class.ts";
import { backendHasKernel, CONV2D_BIAS, conv2dBias } from "./fused_kernels.ts";

type Conv2DArgs = Parameters<typeof tf.layers.conv2d>[0];

/** The stock layer's fields this one reads (protected in tfjs-layers' typings). */
interface ConvFields {
  rank: number;
  strides: number[];
  padding: "same" | "valid" | "causal";
  dataFormat: "channelsLast" | "channelsFirst";
  dilationRate: number | number[];
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  activation: { apply(x: tf.Tensor): tf.Tensor; getClassName(): string };
}

const StockConv2D = stockLayerClass<Conv2DArgs>(tf.layers.conv2d, { filters: 1, kernelSize: 1 });

/** `Conv2D` with the fused, lazily differentiated kernel where the backend has it; serialises as `Conv2D`. */
class FusedConv2D extends StockConv2D {
  static className = "Conv2D";

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: tf.serialization.ConfigDict,
  ): tf.Tensor | tf.Tensor[] {
    const f = this as unknown as ConvFields;
    const dilation = Array.isArray(f.dilationRate) ? f.dilationRate : [f.dilationRate, f.dilationRate];
    const plain = f.rank === 2 && f.dataFormat === "channelsLast" && f.padding !== "causal" &&
      dilation.every((d) => d === 1);
    if (!plain || !backendHasKernel(CONV2D_BIAS)) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const y = conv2dBias(
        x,
        f.kernel.read() as tf.Tensor4D,
        (f.bias?.read() ?? null) as tf.Tensor1D | null,
        {
          strides: [f.strides[0], f.strides[1]],
          pad: f.padding as "same" | "valid",
        },
      );
      return f.activation.apply(y);
    });
  }
}

/** The conv2d layer of a lowered graph (arguments as `tf.layers.conv2d`). */
export function conv2d(args: Conv2DArgs): tf.layers.Layer {
  return new FusedConv2D(args);
}
