/**
 * The code of the worker that evaluates a `.ts` graph file (see sandbox.ts). It runs with no
 * permission but read access to the module files the graph imports (which the module loader needs).
 * What comes back is the default export as plain data (a structured clone), or what went wrong.
 *
 * The worker starts from a blob made of {@linkcode graphWorkerMain}'s source, so starting it needs no
 * read access to this file; the function must therefore use nothing from outside its own body.
 *
 * @module
 */

/** What the worker posts back; the sandbox turns it into a spec or one line of error. */
export type GraphWorkerReply =
  | { kind: "ok"; value: unknown }
  | { kind: "no-default" }
  | { kind: "not-data"; type: string; detail: string }
  | { kind: "threw"; isError: boolean; name: string; message: string; shown: string };

/** The parts of a worker's global scope the worker uses. */
interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: "error", listener: (e: ErrorEvent) => void): void;
  addEventListener(type: "unhandledrejection", listener: (e: PromiseRejectionEvent) => void): void;
  onmessage: ((e: MessageEvent<{ url: string }>) => void) | null;
  close(): void;
}

/** The worker's whole program; runs inside the worker (self-contained: its source becomes a blob). */
export function graphWorkerMain(): void {
  const scope = globalThis as unknown as WorkerScope;
  let replied = false;
  const reply = (r: GraphWorkerReply): void => {
    if (replied) return;
    scope.postMessage(r); // throws DataCloneError for values that are not plain data
    replied = true;
  };
  const threw = (e: unknown): GraphWorkerReply => {
    if (e instanceof Error) {
      return { kind: "threw", isError: true, name: e.name, message: e.message, shown: "" };
    }
    let shown: string;
    try {
      shown = typeof e === "string"
        ? JSON.stringify(e)
        : typeof e === "object" && e !== null
        ? (Array.isArray(e) ? "an array" : "an object")
        : String(e);
    } catch {
      shown = typeof e;
    }
    return { kind: "threw", isError: false, name: "", message: "", shown: shown.slice(0, 200) };
  };

  // A graph may only build data: leaving the worker early would look like a hang to the caller.
  const refuse = (what: string) => () => {
    throw new Error(`a graph file cannot call ${what}`);
  };
  Deno.exit = refuse("Deno.exit") as typeof Deno.exit;
  scope.close = refuse("close()");

  scope.addEventListener("error", (e) => {
    e.preventDefault();
    reply(threw(e.error ?? e.message));
  });
  scope.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    reply(threw(e.reason));
  });

  scope.onmessage = async (e) => {
    let mod: Record<string, unknown>;
    try {
      mod = await import(e.data.url);
    } catch (err) {
      return reply(threw(err));
    }
    if (!("default" in mod)) return reply({ kind: "no-default" });
    const value = mod.default;
    try {
      reply({ kind: "ok", value });
    } catch (err) {
      const type = value === null ? "null" : typeof value;
      if (err instanceof DOMException && err.name === "DataCloneError") {
        return reply({ kind: "not-data", type, detail: err.message.split("\n")[0] });
      }
      reply(threw(err));
    }
  };
}
