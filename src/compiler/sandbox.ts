/**
 * A `.ts` graph file is code. It is evaluated in a Worker without permissions (no network,
 * environment, subprocesses, native code, writes, or reads beyond the module files it imports),
 * and only its default export comes back, as plain data. Whatever the command itself may do, a
 * graph file can only build data.
 *
 * Needs Deno's `--unstable-worker-options` (deno.json: `"unstable": ["worker-options"]`): worker
 * permissions are still an unstable API.
 *
 * @module
 */
import { resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import { UserError } from "../util/errors.ts";
import { graphWorkerMain, type GraphWorkerReply } from "./graph_worker.ts";
import { localModuleFiles } from "./module_scan.ts";

/** Options for {@linkcode importGraphModule}. */
export interface SandboxOptions {
  /** How long the graph file may take to load and evaluate (default 60 s). */
  timeoutMs?: number;
}

/** How the worker ended: its reply, or silence until the timeout, or a crash of the worker itself. */
type Outcome = GraphWorkerReply | { kind: "timeout" } | { kind: "crashed"; message: string };

/** The worker's program as a blob: starting it needs no read access (the command may have little). */
const WORKER_SOURCE = `(${graphWorkerMain.toString()})();\n`;
// deno-lint-ignore no-control-regex -- Deno colours some loader messages; strip the escapes.
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Evaluates the module at `path` in a permission-less worker and returns its default export as a
 * structured clone. Every failure is a UserError naming `path`, on one line.
 */
export async function importGraphModule(path: string, o: SandboxOptions = {}): Promise<unknown> {
  const file = resolvePath(path);
  const timeoutMs = o.timeoutMs ?? 60_000;
  const modules = await localModuleFiles(file);
  // A worker cannot get more than its parent: name a module the command itself may not read.
  const unreadable = modules.find((m) =>
    Deno.permissions.querySync({ name: "read", path: m }).state !== "granted"
  );
  if (unreadable) {
    throw new UserError(path, `it imports ${unreadable}, which this command may not read (--allow-read)`);
  }
  const blob = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "application/javascript" }));
  const worker = new Worker(blob, {
    type: "module",
    name: "graph file",
    deno: {
      permissions: {
        // The module loader needs read access to each local module; the graph can import these anyway.
        read: modules,
        write: false,
        net: false,
        env: false,
        run: false,
        ffi: false,
        sys: false,
        import: "inherit",
      },
    },
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const outcome = await new Promise<Outcome>((resolve) => {
      worker.onmessage = (e: MessageEvent<GraphWorkerReply>) => resolve(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        resolve({ kind: "crashed", message: e.message });
      };
      worker.onmessageerror = () =>
        resolve({ kind: "crashed", message: "its default export could not be read" });
      timer = setTimeout(() => resolve({ kind: "timeout" }), timeoutMs);
      worker.postMessage({ url: pathToFileURL(file).href });
    });
    return valueOf(outcome, path, timeoutMs);
  } finally {
    clearTimeout(timer);
    worker.terminate();
    URL.revokeObjectURL(blob);
  }
}

function valueOf(reply: Outcome, path: string, timeoutMs: number): unknown {
  switch (reply.kind) {
    case "ok":
      return reply.value;
    case "no-default":
      throw new UserError(path, "no default export; export default graph({ … })");
    case "not-data": {
      const detail = firstLine(reply.detail).replace(/\.$/, "");
      throw new UserError(
        path,
        reply.type === "object"
          ? `default export is not plain data (${detail}); a graph holds numbers, strings, booleans, arrays and objects`
          : `default export is not a graph (got ${reply.type}); export default graph({ … })`,
      );
    }
    case "timeout":
      throw new UserError(
        path,
        `did not finish loading within ${timeoutMs / 1000} s; a graph file must only build and export data`,
      );
    case "crashed":
      throw new UserError(path, `cannot load module: ${firstLine(reply.message)}`);
    case "threw":
      throw new UserError(path, thrownMessage(reply));
  }
}

/** One line for what the graph module threw: a permission it asked for, an error, or a thrown value. */
function thrownMessage(r: Extract<GraphWorkerReply, { kind: "threw" }>): string {
  if (!r.isError) return `cannot load module: it threw ${r.shown}, not an Error`;
  const unscanned = /^Requires read access to "([^"]*)"/.exec(r.message);
  if (unscanned && r.name === "TypeError") {
    // The loader wanted a module the import scan did not find (an import map alias, say).
    return `cannot load module: it imports "${unscanned[1]}", which graph files may not; ` +
      `import local modules by relative path`;
  }
  const asked = /Requires (\w+) access(?: to "?([^",]*)"?)?/.exec(r.message);
  if (asked && (r.name === "NotCapable" || r.name === "PermissionDenied")) {
    return `graph files run without permissions, but this one asked for ${asked[1]} access` +
      `${asked[2] ? ` to "${asked[2]}"` : ""}; a graph file may only import modules and export data`;
  }
  return `cannot load module: ${firstLine(r.message) || r.name}`;
}

/** The first line of a message, without colour codes, cut to a readable length. */
const firstLine = (s: string) => s.replace(ANSI, "").split("\n")[0].trim().slice(0, 300);
