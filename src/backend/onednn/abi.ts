/**
 * The oneDNN 2.x C ABI as this backend uses it: struct sizes, enum values and argument ids, read from
 * the headers of oneDNN 2.6.3 (Debian 12's `libdnnl-dev`). oneDNN 3.x replaced the op descriptors
 * with `*_primitive_desc_create` functions, so {@link SUPPORTED_MAJOR} is checked at load.
 *
 * @module
 */

/** The major version whose op-descriptor API this backend speaks. */
export const SUPPORTED_MAJOR = 2;
/** Oldest 2.x minor with every function used here (pooling_v2, reduction, use_scale/use_shift). */
export const MIN_MINOR = 3;

/** Bytes of the structs passed by pointer. */
export const SIZE = {
  memoryDesc: 696,
  convDesc: 5976,
  batchNormDesc: 3496,
  eltwiseDesc: 1416,
  binaryDesc: 2096,
  poolingDesc: 3288,
  reductionDesc: 1408,
  matmulDesc: 2800,
  execArg: 16,
  /** Big enough for any op descriptor above. */
  anyDesc: 6144,
} as const;

/** `dnnl_data_type_t`. */
export const F32 = 3;

/** `dnnl_format_tag_t` values used here. */
export const TAG = {
  any: 1,
  a: 2,
  ab: 3,
  abc: 4,
  /** (B, M, K) stored as (B, K, M): a transposed matrix per batch. */
  acb: 17,
  abcd: 5,
  abcde: 6,
  ba: 22,
  /** NHWC for (N, C, H, W) dims. */
  nhwc: 20,
  /** HWIO for (O, I, H, W) weight dims: tfjs' conv filter layout. */
  hwio: 30,
} as const;

/** `dnnl_prop_kind_t`. */
export const PROP = {
  forwardTraining: 64,
  forwardInference: 96,
  backward: 128,
  backwardData: 160,
  backwardWeights: 192,
} as const;

/** `dnnl_alg_kind_t` values used here. */
export const ALG = {
  convolutionDirect: 1,
  eltwiseRelu: 0x1f,
  eltwiseTanh: 0x2f,
  eltwiseSquare: 0x4f,
  eltwiseAbs: 0x5f,
  eltwiseSqrt: 0x6f,
  eltwiseLogistic: 0xaf,
  eltwiseExp: 0xbf,
  eltwiseLog: 0xef,
  /** αx + β. */
  eltwiseLinear: 0x7f,
  /** α·x^β. */
  eltwisePow: 0x20,
  binaryAdd: 0x1fff0,
  binaryMul: 0x1fff1,
  binaryDiv: 0x1fff4,
  binarySub: 0x1fff5,
  poolingMax: 0x1ff,
  poolingAvgIncludePadding: 0x2ff,
  poolingAvgExcludePadding: 0x3ff,
  reductionSum: 0x2fff4,
  reductionMean: 0x2fff6,
  reductionMax: 0x2fff2,
} as const;

/** `dnnl_normalization_flags_t`. */
export const BN_FLAG = { useGlobalStats: 1, fuseNormRelu: 4, useScale: 8, useShift: 16 } as const;

/** `DNNL_ARG_*`. */
export const ARG = {
  src: 1,
  src1: 2,
  weights: 33,
  bias: 41,
  dst: 17,
  diffSrc: 129,
  diffWeights: 161,
  diffBias: 169,
  diffDst: 145,
  mean: 49,
  variance: 50,
  scale: 51,
  shift: 52,
  diffScale: 255,
  diffShift: 256,
  workspace: 64,
  from: 1,
  to: 17,
  multipleSrc: 1024,
} as const;

/** `dnnl_query_t` values for memory descriptors. */
export const QUERY = {
  srcMd: 129,
  diffSrcMd: 130,
  weightsMd: 131,
  diffWeightsMd: 132,
  dstMd: 133,
  diffDstMd: 134,
  workspaceMd: 135,
  implInfoStr: 8,
} as const;

/** Engine kind and stream flags. */
export const ENGINE_CPU = 1;
export const STREAM_DEFAULT = 1;

/** `dnnl_version_t.cpu_runtime` values. */
export const CPU_RUNTIME: Record<number, string> = {
  1: "sequential",
  2: "OpenMP",
  4: "TBB",
  8: "threadpool",
};

/** `dnnl_status_t` names, for error messages. */
export const STATUS: Record<number, string> = {
  0: "success",
  1: "out of memory",
  2: "invalid arguments",
  3: "unimplemented",
  4: "iterator ends",
  5: "runtime error",
  6: "not required",
};
