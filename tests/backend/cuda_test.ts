/**
 * Honest CUDA: the decision of what the backend line says about tfjs-node-gpu, from what its backend
 * reports (`isUsingGpuDevice`) and which CUDA/cuDNN libraries the dynamic loader finds. tfjs-node-gpu
 * cannot be installed here, so the reports are plain objects shaped like its backend's fields and the
 * library lookup is injected; no GPU is pretended anywhere else.
 */
import assert from "node:assert/strict";
import { describeBackend } from "../../src/backend/mod.ts";
import {
  canLoadLibrary,
  CUDA_LIBRARIES,
  CUDA_PIN,
  missingCudaLibraries,
  nativeDevice,
  notOnGpu,
} from "../../src/backend/cuda.ts";
import { nativeDetail } from "../../src/backend/native.ts";

Deno.test("nativeDevice reads tfjs-node's isUsingGpuDevice; anything else is unknown", () => {
  assert.equal(nativeDevice({ isGPUPackage: true, isUsingGpuDevice: true }), "gpu");
  assert.equal(nativeDevice({ isGPUPackage: true, isUsingGpuDevice: false }), "cpu");
  assert.equal(nativeDevice({ isGPUPackage: true }), "unknown");
  assert.equal(nativeDevice({ isUsingGpuDevice: "yes" }), "unknown");
  assert.equal(nativeDevice(null), "unknown");
});

Deno.test("missingCudaLibraries asks the loader for each CUDA 11 / cuDNN 8 library, in order", () => {
  const present = new Set(["libcudart.so.11.0", "libcublas.so.11", "libcublasLt.so.11"]);
  const asked: string[] = [];
  const missing = missingCudaLibraries((lib) => (asked.push(lib), present.has(lib)));
  assert.deepEqual(asked, [...CUDA_LIBRARIES]);
  assert.deepEqual(missing, CUDA_LIBRARIES.filter((l) => !present.has(l)));
  assert.ok(missing.includes("libcudnn.so.8"));
  // The real lookup: the C library is there, a made-up one is not.
  assert.equal(canLoadLibrary("libc.so.6"), true);
  assert.equal(canLoadLibrary("libmtl-graph-no-such-library.so.1"), false);
});

Deno.test("tfjs-node-gpu that claims CUDA but has no GPU device says so in the backend line", () => {
  const noCudnn = () => ["libcudnn.so.8"];
  const line = (device: "gpu" | "cpu" | "unknown", missing = noCudnn) => {
    const r = nativeDetail("tensorflow-gpu", device, missing);
    assert.equal(typeof r, "object");
    return describeBackend({ name: "tensorflow-gpu", detail: (r as { detail: string }).detail });
  };
  let asked = 0;
  assert.equal(
    line("gpu", () => (asked++, [])),
    `backend: tensorflow-gpu (@tensorflow/tfjs-node-gpu, libtensorflow 2.9.1 with CUDA on the GPU)`,
  );
  assert.equal(asked, 0, "on the GPU nothing more is looked up");
  const cpu = line("cpu");
  assert.match(cpu, /NOT on the GPU: libtensorflow found no GPU device and runs on the CPU/);
  assert.match(cpu, /needs CUDA 11\.2 and cuDNN 8\.1; the dynamic loader cannot find libcudnn\.so\.8/);
  assert.doesNotMatch(cpu, /with CUDA on the GPU/);
  assert.match(line("cpu", () => []), /libraries load, so check the driver \(nvidia-smi\)/);
  assert.match(line("unknown"), /NOT on the GPU: tfjs-node-gpu did not report whether/);
  assert.ok(!line("cpu").includes("\n"), "one line");
});

Deno.test("auto passes over tfjs-node-gpu on the CPU, saying why; the CPU build is never asked about CUDA", () => {
  const reason = nativeDetail("tensorflow-gpu", "cpu", () => ["libcudart.so.11.0"], true);
  assert.equal(typeof reason, "string");
  assert.match(reason as string, /^@tensorflow\/tfjs-node-gpu loads, but libtensorflow found no GPU device/);
  assert.match(reason as string, /--backend tensorflow-gpu runs it anyway/);
  assert.deepEqual(nativeDetail("tensorflow-gpu", "gpu", () => [], true), {
    detail: "@tensorflow/tfjs-node-gpu, libtensorflow 2.9.1 with CUDA on the GPU",
  });
  const cpuBuild = nativeDetail("tensorflow", "cpu", () => assert.fail("no CUDA lookup"), true);
  assert.deepEqual(cpuBuild, { detail: "@tensorflow/tfjs-node, libtensorflow 2.9.1 on the CPU" });
  assert.equal(notOnGpu("gpu", () => assert.fail("no lookup")), undefined);
  assert.deepEqual(CUDA_PIN, { tfjs: "4.22.0", libtensorflow: "2.9.1", cuda: "11.2", cudnn: "8.1" });
});
