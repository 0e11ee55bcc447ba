/**
 * `deno task setup-gpu [--cpu] [--check]`: installs the native TensorFlow backend
 * (npm:@tensorflow/tfjs-node-gpu, or tfjs-node with --cpu) with its install script allowed, which
 * downloads libtensorflow 2.9.1 (from a mirror where `TFJS_NODE_CDN_STORAGE` or `TFJS_NODE_BASE_URI`
 * say so; see src/backend/native_download.ts); copies the binding and libtensorflow to lib/napi-v8/, where
 * Deno looks for them (tfjs issues 8579, 8581); prints every change it makes (deno.json, deno.lock,
 * node_modules); and checks that the GPU build really finds a GPU (CUDA 11.2, cuDNN 8.1; see
 * src/backend/cuda.ts). Without access to the download it stops with one line saying so.
 */
import * as tf from "@tensorflow/tfjs-core";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CUDA_PIN, CUDA_REQUIREMENT, missingCudaLibraries, nativeDevice, notOnGpu } from "../backend/cuda.ts";
import {
  DENO_BINDING_DIR,
  loadNative,
  NATIVE_PACKAGE,
  type NativeKind,
  nativeMissing,
  nativePackageDir,
  TFJS_VERSION,
} from "../backend/native.ts";
import { BINDING_MIRROR_VARIABLE, bindingSource, libtensorflowSource } from "../backend/native_download.ts";
import { UserError } from "../util/errors.ts";
import { describeJsonChanges, jsonChanges } from "../util/json_changes.ts";
import { defineCommand } from "./command.ts";

/** Why `url` cannot be downloaded (a network error, or 404), or undefined when it answers. */
async function unreachable(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { method: "HEAD", signal: AbortSignal.timeout(5000) });
    await res.body?.cancel();
    return res.status === 404 ? "404 not found" : undefined;
  } catch (e) {
    return (e as Error).message.split("\n")[0];
  }
}

/** Copies the built binding (and the libtensorflow beside it) from lib/napi-v<n>/ into lib/napi-v8/. */
export function applyBindingPathFix(pkgDir: string): string[] {
  const lib = join(pkgDir, "lib");
  const target = join(pkgDir, DENO_BINDING_DIR);
  Deno.mkdirSync(target, { recursive: true });
  const copied: string[] = [];
  const sources = [...Deno.readDirSync(lib)].filter((e) => e.isDirectory && /^napi-v\d+$/.test(e.name))
    .map((e) => join(lib, e.name)).filter((d) => d !== target);
  for (const dir of [...sources, join(pkgDir, "deps", "lib")]) {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      continue;
    }
    for (const e of entries) {
      if (!/^(tfjs_binding\.node|libtensorflow.*\.so.*)$/.test(e.name)) continue;
      const dest = join(target, e.name);
      try {
        Deno.statSync(dest);
      } catch {
        Deno.copyFileSync(join(dir, e.name), dest);
        copied.push(dest);
      }
    }
  }
  return copied;
}

/** Runs `deno <args>` in `cwd` with this process's environment (the mirror variables included). */
export type DenoRunner = (args: string[], cwd: string) => Promise<void>;

const runDeno: DenoRunner = async (args, cwd) => {
  console.log(`$ deno ${args.join(" ")}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    stdout: "inherit",
    stderr: "inherit",
  })
    .output();
  if (code !== 0) {
    throw new UserError("setup-gpu", `\`deno ${args[0]}\` failed (exit ${code}); see its output above`);
  }
};

function readJson(path: string): unknown {
  try {
    return JSON.parse(Deno.readTextFileSync(path));
  } catch {
    return undefined;
  }
}

/**
 * Adds and installs `spec` in the project at `root` (its install script allowed), then returns one line
 * per change to deno.json and a summary of deno.lock's. `run` is injectable for tests.
 */
export async function installPackage(
  root: string,
  spec: string,
  run: DenoRunner = runDeno,
): Promise<string[]> {
  const files = ["deno.json", "deno.lock"].map((f) => join(root, f));
  const before = files.map(readJson);
  await run(["add", spec], root);
  await run(["install", `--allow-scripts=${spec}`], root);
  const [config, lock] = files.map(readJson);
  const lines = describeJsonChanges("deno.json", jsonChanges(before[0], config));
  const lockChanges = jsonChanges(before[1], lock);
  if (lockChanges.length) {
    const count = (kind: string) => lockChanges.filter((c) => c.kind === kind).length;
    lines.push(
      `deno.lock: ${count("added")} entries added, ${count("changed")} changed, ${count("removed")} removed`,
    );
  }
  return lines;
}

/** Says whether the loaded GPU build uses a GPU; a UserError naming the cause when it does not. */
function requireGpuDevice(kind: NativeKind, what: string): void {
  if (kind !== "tensorflow-gpu") return;
  const problem = notOnGpu(nativeDevice(tf.backend()), () => missingCudaLibraries());
  if (problem) throw new UserError("setup-gpu", `${what}, but ${problem}`);
  console.log(`libtensorflow ${CUDA_PIN.libtensorflow} sees a GPU device`);
}

/** The `setup-gpu` command: installs and checks the native backend; see the file comment. */
export const SETUP_GPU = defineCommand({
  name: "setup-gpu",
  usage: "[--cpu] [--check]",
  about:
    "Installs @tensorflow/tfjs-node-gpu 4.22 (downloads libtensorflow 2.9.1, which needs CUDA 11.2 and\n" +
    "cuDNN 8.1) and copies its binding to lib/napi-v8/, where Deno looks for it (tfjs issues 8579, 8581).\n" +
    "Mirrors: TFJS_NODE_CDN_STORAGE (a host) or TFJS_NODE_BASE_URI (a prefix ending in libtensorflow-)\n" +
    `for libtensorflow, ${BINDING_MIRROR_VARIABLE} for the prebuilt binding. Prints each change\n` +
    "it makes to deno.json, deno.lock and node_modules.",
  flags: {
    cpu: {
      type: "boolean",
      default: false,
      help: "install @tensorflow/tfjs-node (libtensorflow on the CPU) instead",
    },
    check: {
      type: "boolean",
      default: false,
      help: "only check that the installed package loads (and, for the GPU build, finds a GPU)",
    },
  },
}, async ({ values }) => {
  const kind: NativeKind = values.cpu ? "tensorflow" : "tensorflow-gpu";
  const pkg = NATIVE_PACKAGE[kind];
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const missing = nativeMissing(kind);
  if (values.check || !missing) {
    if (missing) {
      throw new UserError(
        "setup-gpu",
        `${missing}; run \`deno task setup-gpu${values.cpu ? " --cpu" : ""}\``,
      );
    }
    const failed = await loadNative(kind);
    if (failed) throw new UserError("setup-gpu", failed);
    requireGpuDevice(kind, `${pkg} is installed and loads`);
    console.log(`${pkg} is installed and loads: use --backend ${kind}`);
    return;
  }
  const lib = libtensorflowSource(kind === "tensorflow-gpu" ? "gpu" : "cpu");
  const mirrorHint = "set TFJS_NODE_CDN_STORAGE or TFJS_NODE_BASE_URI to a mirror";
  console.log(
    `libtensorflow ${CUDA_PIN.libtensorflow}: ${lib.url} (${
      lib.setBy === "default" ? `default; ${mirrorHint}` : lib.setBy
    })`,
  );
  const down = await unreachable(lib.url);
  if (down) {
    throw new UserError(
      "setup-gpu",
      `cannot download libtensorflow for ${pkg} from ${lib.url} (${down}); ` +
        (lib.setBy === "default"
          ? `run this where it is reachable, or ${mirrorHint}`
          : `check ${lib.setBy}`) +
        ", or use --backend wasm",
    );
  }
  const binding = bindingSource();
  if (await unreachable(binding.url)) {
    console.log(
      `note: the prebuilt binding's host ${binding.url} (${binding.setBy}) is unreachable: the install ` +
        `script builds the binding from source (needs python3, make, g++), unless ${BINDING_MIRROR_VARIABLE} ` +
        "names a mirror",
    );
  }
  const spec = `npm:${pkg}@${TFJS_VERSION}`;
  console.log(
    `this adds ${spec} to deno.json's imports and deno.lock, and installs it under node_modules/ with its ` +
      "install script allowed:",
  );
  for (const line of await installPackage(root, spec)) console.log(`changed ${line}`);
  const dir = nativePackageDir(kind);
  if (!dir) throw new UserError("setup-gpu", `${pkg} did not install under node_modules/.deno`);
  console.log(`installed ${dir} (the install script wrote libtensorflow to deps/ and the binding to lib/)`);
  for (const f of applyBindingPathFix(dir)) console.log(`copied ${f}`);
  const failed = await loadNative(kind);
  if (failed) {
    throw new UserError("setup-gpu", kind === "tensorflow-gpu" ? `${failed} (${CUDA_REQUIREMENT})` : failed);
  }
  requireGpuDevice(kind, `${pkg} installed and loads`);
  console.log(`${pkg} installed and loads: use --backend ${kind} (auto picks it first)`);
});

/** Installs and checks the native backend as `deno task setup-gpu` does with `args`. */
export const setupGpu = (args: string[]): Promise<void> => SETUP_GPU.run(args);

if (import.meta.main) SETUP_GPU.main();
