/**
 * Backend names, the `--backend` and `--threads` flags every command that runs a model offers, and
 * their parsing. No tfjs import here, so commands can parse flags before loading a backend.
 *
 * @module
 */
import { UserError } from "../util/errors.ts";
import { type Flags, parseArgsOptions, renderFlagHelp } from "../util/flags.ts";

/** The backends a user can ask for. */
export const BACKEND_NAMES = [
  "auto",
  "tensorflow-gpu",
  "tensorflow",
  "webgpu",
  "onednn",
  "wasm",
  "cpu",
] as const;
/** A backend a user can ask for; `auto` picks the fastest that loads here. */
export type BackendName = typeof BACKEND_NAMES[number];

/**
 * The `--backend` and `--threads` flags as entries of a command's flag table (see src/util/flags.ts):
 * every command that runs a model spreads them into its table; {@link backendRequestFromArgs} reads them.
 */
export const BACKEND_FLAGS = {
  backend: {
    type: "string",
    arg: "NAME",
    default: "auto",
    help: `tfjs backend: ${BACKEND_NAMES.join(", ")}.\n` +
      "auto tries tensorflow-gpu (CUDA 11.2, cuDNN 8.1; `deno task setup-gpu`), webgpu on a\n" +
      "hardware adapter, onednn (oneDNN's CPU kernels on every core; libdnnl2: `deno task\n" +
      "setup-native`), tensorflow (libtensorflow on the CPU), then wasm with the project's\n" +
      "training kernels.\n" +
      "cpu is plain JavaScript: fine for tiny models, far too slow to train convnets.",
  },
  threads: { type: "string", arg: "N", defaultText: "all cores", help: "CPU threads for onednn" },
} as const satisfies Flags;

/** Help text for `--backend` and `--threads`, made from {@link BACKEND_FLAGS}. */
export const BACKEND_FLAG_HELP: string = renderFlagHelp(BACKEND_FLAGS);

/** The backend flags as node:util parseArgs options, made from {@link BACKEND_FLAGS}. */
export const BACKEND_OPTION = parseArgsOptions(BACKEND_FLAGS);

/** A backend as the flags ask for it. */
export interface BackendRequest {
  name: BackendName;
  /** CPU threads for native kernels (onednn); undefined: all cores. */
  threads?: number;
}

/** Checks a backend name given on the command line. */
export function parseBackendName(value: string): BackendName {
  const v = value.trim().toLowerCase();
  if ((BACKEND_NAMES as readonly string[]).includes(v)) return v as BackendName;
  const aliases: Record<string, BackendName> = {
    "gpu": "tensorflow-gpu",
    "tfjs-node-gpu": "tensorflow-gpu",
    "tfjs-node": "tensorflow",
    "node": "tensorflow",
  };
  // Own keys only: a user's `constructor` or `__proto__` is not an alias.
  const hint = Object.hasOwn(aliases, v) ? ` (did you mean ${aliases[v]}?)` : "";
  throw new UserError(
    "--backend",
    `unknown backend '${value}'${hint}; choose one of ${BACKEND_NAMES.join(", ")}`,
  );
}

/** Reads `--backend` and `--threads` from parsed flag values (absent: auto, all cores). */
export function backendRequestFromArgs(
  values: {
    backend?: string | boolean | (string | boolean)[];
    threads?: string | boolean | (string | boolean)[];
  },
): BackendRequest {
  const name = backendFromArgs(values);
  const t = Array.isArray(values.threads) ? values.threads.at(-1) : values.threads;
  if (t === undefined) return { name };
  const n = Number(t);
  if (typeof t !== "string" || !Number.isInteger(n) || n < 1 || n > 1024) {
    throw new UserError("--threads", `expected an integer in 1..1024, got '${t}'`);
  }
  return { name, threads: n };
}

/** Reads `--backend` from parsed flag values (absent means auto). */
export function backendFromArgs(values: { backend?: string | boolean | (string | boolean)[] }): BackendName {
  const v = Array.isArray(values.backend) ? values.backend.at(-1) : values.backend;
  if (v === undefined) return "auto";
  if (typeof v !== "string" || v === "") {
    throw new UserError("--backend", "needs a name: " + BACKEND_NAMES.join(", "));
  }
  return parseBackendName(v);
}
