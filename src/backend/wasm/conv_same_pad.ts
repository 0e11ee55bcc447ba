/**
 * Forward convolutions on wasm with `pad: "same"` rewritten to the equivalent explicit padding.
 * Stock wasm passes "same" to XNNPACK as its TensorFlow-SAME flag, which returns wrong results for
 * some shapes (e.g. a 3×1 filter with stride 2 along the width gives zeros); explicit padding, which
 * the backward kernels also use, is correct for all shapes we test.
 */
import * as tf from "@tensorflow/tfjs-core";
import { type BackendWasm, callStock } from "./kernel_util.ts";

function explicitSame(name: string, depthwise: boolean): tf.KernelConfig {
  return {
    kernelName: name,
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
      const a = attrs as unknown as tf.Conv2DAttrs;
      if (a.pad !== "same") return callStock(name, backend as BackendWasm, inputs, attrs);
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filter.shape as [number, number, number, number],
        a.strides,
        a.dilations ?? 1,
        a.pad,
        a.dimRoundingMode,
        depthwise,
        tf.backend_util.convertConv2DDataFormat(a.dataFormat ?? "NHWC"),
      );
      const { top, bottom, left, right } = info.padInfo;
      const pad = [[0, 0], [top, bottom], [left, right], [0, 0]];
      return callStock(name, backend as BackendWasm, inputs, { ...attrs, pad } as unknown as tf.NamedAttrMap);
    },
  };
}

/** `Conv2D` with "same" as explicit padding. */
export const conv2DSameConfig: tf.KernelConfig = explicitSame(tf.Conv2D, false);
/** `FusedConv2D` (conv + bias + activation, used by tfjs-layers) with "same" as explicit padding. */
export const fusedConv2DSameConfig: tf.KernelConfig = explicitSame(tf.FusedConv2D, false);
/** `DepthwiseConv2dNative` with "same" as explicit padding. */
export const depthwiseSameConfig: tf.KernelConfig = explicitSame(tf.DepthwiseConv2dNative, true);
/** `FusedDepthwiseConv2D` with "same" as explicit padding. */
export const fusedDepthwiseSameConfig: tf.KernelConfig = explicitSame(tf.FusedDepthwiseConv2D, true);
