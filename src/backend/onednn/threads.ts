/**
 * Thread count of oneDNN's CPU runtime. Debian's libdnnl2 runs on OpenMP (libgomp), whose thread count
 * is a process setting: `omp_set_num_threads` before the next parallel region. Other runtimes keep
 * their own default (all cores).
 *
 * @module
 */

const GOMP = "libgomp.so.1";
const SYMBOLS = {
  omp_set_num_threads: { parameters: ["i32"], result: "void" },
  omp_get_max_threads: { parameters: [], result: "i32" },
} as const;

// The library object itself is held, not only its symbols: Deno closes a collected DynamicLibrary.
let gomp: Deno.DynamicLibrary<typeof SYMBOLS> | null | undefined;

function openGomp() {
  if (gomp === undefined) {
    try {
      gomp = Deno.dlopen(GOMP, SYMBOLS);
    } catch {
      gomp = null;
    }
  }
  return gomp?.symbols ?? null;
}

/** Cores this process may use. */
export function availableCores(): number {
  return navigator.hardwareConcurrency || 1;
}

/**
 * Sets the threads oneDNN's kernels use (`runtime` as the library reports it) and returns the number in
 * effect. `undefined` keeps the runtime's default: all cores.
 */
export function setThreads(runtime: string, threads: number | undefined): number {
  if (runtime !== "OpenMP") return runtime === "sequential" ? 1 : threads ?? availableCores();
  const omp = openGomp();
  if (!omp) return threads ?? availableCores();
  if (threads !== undefined) omp.omp_set_num_threads(threads);
  return omp.omp_get_max_threads();
}
