/**
 * Where the install script of tfjs-node(-gpu) 4.22 downloads from, with the standard tfjs-node mirror
 * settings honoured as its own `scripts/install.js` reads them (and node-pre-gyp for the prebuilt
 * binding), so `deno task setup-gpu` checks and names the place that will really be used:
 *
 * - libtensorflow: `TFJS_NODE_BASE_URI` (a URL prefix ending in `libtensorflow-`), else
 *   `<host>tensorflow/libtensorflow/libtensorflow-` where the host is `TFJS_NODE_CDN_STORAGE` (or the
 *   deprecated `CDN_STORAGE`), else https://storage.googleapis.com/; then `gpu-linux-x86_64-2.9.1.tar.gz`.
 *   Each may also come from `.npmrc`, which npm passes as `npm_config_TFJS_NODE_…`.
 * - the prebuilt binding: `npm_config_tfjs_binding_binary_host_mirror`, else
 *   https://storage.googleapis.com/tf-builds/pre-built-binary (without it the binding is built from
 *   source, which needs python3, make and a C++ compiler).
 *
 * @module
 */
import { CUDA_PIN } from "./cuda.ts";

/** The default host of both downloads. */
export const DEFAULT_STORAGE = "https://storage.googleapis.com/";
/** The default host of the prebuilt binding (package.json `binary.host`). */
export const DEFAULT_BINDING_HOST = `${DEFAULT_STORAGE}tf-builds/pre-built-binary`;
/** node-pre-gyp's mirror variable for the binding (`binary.module_name` is `tfjs_binding`). */
export const BINDING_MIRROR_VARIABLE = "npm_config_tfjs_binding_binary_host_mirror";

/** Reads an environment variable (injectable for tests); undefined or "" means unset. */
export type EnvReader = (name: string) => string | undefined;

/** Deno.env.get, or nothing where the process may not read the environment. */
export const processEnv: EnvReader = (name) => {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
};

/** A download and the setting it comes from. */
export interface DownloadSource {
  url: string;
  /** `TFJS_NODE_CDN_STORAGE=https://mirror/`, or "default". */
  setBy: string;
}

function first(env: EnvReader, names: readonly string[]): [string, string] | undefined {
  for (const name of names) {
    const v = env(name);
    if (v) return [name, v];
  }
  return undefined;
}

/** The libtensorflow archive the install script of `gpu` or `cpu` tfjs-node downloads (Linux x86-64). */
export function libtensorflowSource(build: "gpu" | "cpu", env: EnvReader = processEnv): DownloadSource {
  const file = `${build}-linux-x86_64-${CUDA_PIN.libtensorflow}.tar.gz`;
  const base = first(env, ["TFJS_NODE_BASE_URI", "npm_config_TFJS_NODE_BASE_URI"]);
  if (base) return { url: `${base[1]}${file}`, setBy: `${base[0]}=${base[1]}` };
  const cdn = first(env, ["TFJS_NODE_CDN_STORAGE", "npm_config_TFJS_NODE_CDN_STORAGE", "CDN_STORAGE"]);
  const host = cdn?.[1] ?? DEFAULT_STORAGE;
  return {
    url: `${host}tensorflow/libtensorflow/libtensorflow-${file}`,
    setBy: cdn ? `${cdn[0]}=${cdn[1]}` : "default",
  };
}

/** Where node-pre-gyp looks for the prebuilt binding. */
export function bindingSource(env: EnvReader = processEnv): DownloadSource {
  const mirror = env(BINDING_MIRROR_VARIABLE);
  return mirror
    ? { url: mirror, setBy: `${BINDING_MIRROR_VARIABLE}=${mirror}` }
    : { url: DEFAULT_BINDING_HOST, setBy: "default" };
}
