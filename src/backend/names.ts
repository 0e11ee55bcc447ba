/**
 * Backend names, the `--backend` flag every command offers, and its parsing.
 * No tfjs import here, so commands can parse flags before loading a backend.
 */
import { UserError } from "../util/errors.ts";

/** The backends a user can ask for. */
export const BACKEND_NAMES = ["auto", "tensorflow-gpu", "tensorflow", "webgpu", "wasm", "cpu"] as const;
/** A backend a user can ask for; `auto` picks the fastest that loads here. */
export type BackendName = typeof BACKEND_NAMES[number];

/** Help text for `--backend`, for a command's usage message. */
export const BACKEND_FLAG_HELP = [
  "--backend <name>  tfjs backend: auto (default), tensorflow-gpu, tensorflow, webgpu, wasm, cpu.",
  "                  auto tries tensorflow-gpu (CUDA, needs `deno task setup-gpu`), webgpu on a real GPU,",
  "                  tensorflow (libtensorflow on the CPU), then wasm with the project's training kernels.",
  "                  cpu is plain JavaScript: fine for tiny models, far too slow to train convnets.",
].join("\n");

/** The `--backend` option, to spread into a command's parseArgs options. */
export const BACKEND_OPTION = { backend: { type: "string", default: "auto" } } as const;

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
  const hint = aliases[v] ? ` (did you mean ${aliases[v]}?)` : "";
  throw new UserError(
    "--backend",
    `unknown backend '${value}'${hint}; choose one of ${BACKEND_NAMES.join(", ")}`,
  );
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
