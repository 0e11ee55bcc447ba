/**
 * Backend choice: --backend parsing, adapter classification, the native backends' missing-file
 * diagnosis, useBackend for wasm/cpu/auto, and idempotent kernel registration.
 */
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  BACKEND_FLAG_HELP,
  BACKEND_NAMES,
  backendFromArgs,
  describeBackend,
  parseBackendName,
  registerWasmTrainingKernels,
  useBackend,
} from "../../src/backend/mod.ts";
import { nativeMissing } from "../../src/backend/native.ts";
import { isHardwareAdapter } from "../../src/backend/webgpu.ts";
import { isProjectKernel, WASM_TRAINING_KERNELS } from "../../src/backend/wasm/register.ts";
import { isUserError } from "../../src/util/errors.ts";
import { compareWithCpu, rand, TOLERANCE } from "./helpers.ts";

Deno.test("--backend parsing", () => {
  assert.equal(backendFromArgs({}), "auto");
  assert.equal(backendFromArgs({ backend: "WASM" }), "wasm");
  assert.equal(backendFromArgs({ backend: ["cpu", "tensorflow-gpu"] }), "tensorflow-gpu");
  for (const n of BACKEND_NAMES) assert.equal(parseBackendName(n), n);
  assert.throws(
    () => parseBackendName("gpu"),
    (e) => isUserError(e) && /did you mean tensorflow-gpu/.test(e.message),
  );
  assert.throws(
    () => backendFromArgs({ backend: "tpu" }),
    (e) => isUserError(e) && /choose one of auto/.test(e.message),
  );
  for (const n of BACKEND_NAMES) assert.match(BACKEND_FLAG_HELP, new RegExp(n));
});

Deno.test("software WebGPU adapters are not taken for GPUs", () => {
  assert.equal(isHardwareAdapter({ description: "llvmpipe (LLVM 15.0.6, 256 bits)" }), false);
  assert.equal(isHardwareAdapter({ vendor: "google", description: "SwiftShader Device" }), false);
  assert.equal(isHardwareAdapter({ description: "NVIDIA H100", isFallbackAdapter: true }), false);
  assert.equal(isHardwareAdapter({ vendor: "nvidia", description: "NVIDIA H100 80GB HBM3" }), true);
});

Deno.test("a native backend installed without its binding is diagnosed, not imported", () => {
  const modules = Deno.makeTempDirSync();
  try {
    assert.match(nativeMissing("tensorflow-gpu", modules)!, /tfjs-node-gpu is not installed/);
    const pkg = join(
      modules,
      ".deno",
      "@tensorflow+tfjs-node-gpu@4.22.0",
      "node_modules",
      "@tensorflow",
      "tfjs-node-gpu",
    );
    Deno.mkdirSync(join(pkg, "lib", "napi-v9"), { recursive: true });
    Deno.writeTextFileSync(join(pkg, "package.json"), "{}");
    assert.match(nativeMissing("tensorflow-gpu", modules)!, /binding is missing from lib\/napi-v8/);
    Deno.mkdirSync(join(pkg, "lib", "napi-v8"));
    Deno.writeTextFileSync(join(pkg, "lib", "napi-v8", "tfjs_binding.node"), "");
    assert.equal(nativeMissing("tensorflow-gpu", modules), undefined);
  } finally {
    Deno.removeSync(modules, { recursive: true });
  }
});

Deno.test({
  name: "an explicit native backend that is missing is one UserError line pointing to setup-gpu",
  ignore: nativeMissing("tensorflow-gpu") === undefined,
  fn: async () => {
    const t0 = performance.now();
    await assert.rejects(useBackend("tensorflow-gpu"), (e) => {
      return isUserError(e) && !e.message.includes("\n") && /deno task setup-gpu/.test(e.message);
    });
    assert.ok(performance.now() - t0 < 2000, "failing must be quick (no network)");
  },
});

Deno.test("useBackend sets wasm (with the project kernels) and cpu", async () => {
  const w = await useBackend("wasm");
  assert.equal(tf.getBackend(), "wasm");
  assert.match(describeBackend(w), /^backend: wasm \(project training kernels, XNNPACK/);
  for (const k of WASM_TRAINING_KERNELS) assert.ok(isProjectKernel(k.kernelName), k.kernelName);
  const c = await useBackend("cpu");
  assert.equal(tf.getBackend(), "cpu");
  assert.equal(c.name, "cpu");
});

Deno.test("auto picks a backend that loads and says what it passed over", async () => {
  const chosen = await useBackend("auto");
  assert.equal(tf.getBackend(), chosen.name === "tensorflow-gpu" ? "tensorflow" : chosen.name);
  if (chosen.name === "wasm") assert.equal(chosen.passedOver?.length, 4);
});

Deno.test("registering the kernels again changes nothing and they still work", async () => {
  registerWasmTrainingKernels();
  const before = WASM_TRAINING_KERNELS.map((k) => tf.getKernel(k.kernelName, "wasm"));
  registerWasmTrainingKernels();
  registerWasmTrainingKernels();
  WASM_TRAINING_KERNELS.forEach((k, i) => assert.equal(tf.getKernel(k.kernelName, "wasm"), before[i]));
  const err = await compareWithCpu(() => {
    const f = (x: tf.Tensor, w: tf.Tensor) =>
      tf.sum(
        tf.matMul(
          tf.reshape(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, "same"), [2, -1]),
          rand([48, 3], 3),
        ),
      );
    return tf.grads(f)([rand([2, 8, 8, 3], 1), rand([3, 3, 3, 3], 2)]);
  });
  assert.ok(err <= TOLERANCE, `relErr ${err}`);
});
