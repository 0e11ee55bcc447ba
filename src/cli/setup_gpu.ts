/**
 * `deno task setup-gpu [--cpu] [--check]`: installs the native TensorFlow backend
 * (npm:@tensorflow/tfjs-node-gpu, or tfjs-node with --cpu) with its install script allowed, which
 * downloads libtensorflow; then copies the binding and libtensorflow to lib/napi-v8/, where Deno looks
 * for them (tfjs issues 8579, 8581). Without internet access it stops with one line saying so.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DENO_BINDING_DIR,
  loadNative,
  NATIVE_PACKAGE,
  type NativeKind,
  nativeMissing,
  nativePackageDir,
  TFJS_VERSION,
} from "../backend/native.ts";
import { UserError } from "../util/errors.ts";
import { defineCommand } from "./command.ts";
// The install script of tfjs-node(-gpu) downloads libtensorflow from here.
const LIBTENSORFLOW_HOST = "https://storage.googleapis.com/";

async function reachable(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { method: "HEAD", signal: AbortSignal.timeout(5000) });
    await res.body?.cancel();
    return undefined;
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

async function deno(args: string[], cwd: string): Promise<void> {
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
}

/** The `setup-gpu` command: installs and checks the native backend; see the file comment. */
export const SETUP_GPU = defineCommand({
  name: "setup-gpu",
  usage: "[--cpu] [--check]",
  about:
    "Installs @tensorflow/tfjs-node-gpu (downloads libtensorflow, needs the internet and CUDA) and copies\n" +
    "its binding to lib/napi-v8/, where Deno looks for it (tfjs issues 8579, 8581).",
  flags: {
    cpu: {
      type: "boolean",
      default: false,
      help: "install @tensorflow/tfjs-node (libtensorflow on the CPU) instead",
    },
    check: { type: "boolean", default: false, help: "only check that the installed package loads" },
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
    console.log(`${pkg} is installed and loads: use --backend ${kind}`);
    return;
  }
  const offline = await reachable(LIBTENSORFLOW_HOST);
  if (offline) {
    throw new UserError(
      "setup-gpu",
      `cannot reach ${LIBTENSORFLOW_HOST} to download libtensorflow for ${pkg} (${offline}); ` +
        `run this where the internet is reachable, or use --backend wasm`,
    );
  }
  const spec = `npm:${pkg}@${TFJS_VERSION}`;
  await deno(["add", spec], root);
  await deno(["install", `--allow-scripts=${spec}`], root);
  const dir = nativePackageDir(kind);
  if (!dir) throw new UserError("setup-gpu", `${pkg} did not install under node_modules/.deno`);
  for (const f of applyBindingPathFix(dir)) console.log(`copied ${f}`);
  const failed = await loadNative(kind);
  if (failed) {
    throw new UserError("setup-gpu", `${failed} (CUDA and cuDNN must be installed for the GPU build)`);
  }
  console.log(`${pkg} installed and loads: use --backend ${kind} (auto picks it first)`);
});

/** Installs and checks the native backend as `deno task setup-gpu` does with `args`. */
export const setupGpu = (args: string[]): Promise<void> => SETUP_GPU.run(args);

if (import.meta.main) SETUP_GPU.main();
