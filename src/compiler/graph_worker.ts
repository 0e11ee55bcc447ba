/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * The worker that evaluates a `.ts` graph file (see sandbox.ts). It runs with no permission but
 * read access to the module files the graph imports (which the module loader needs). What comes
 * back is the default export as plain data (a structured clone), or what went wrong.
 *
 * @module
 */

/** What the worker posts back; the sandbox turns it into a spec or one line of error. */
export type GraphWorkerReply =
  | { kind: "ok"; value: unknown }
  | { kind: "no-default" }
  | { kind: "not-data"; type: string; detail: string }
  | { kind: "threw"; isError: boolean; name: string; message: string; shown: string };

let replied = false;
function reply(r: GraphWorkerReply): void {
  if (replied) return;
  self.postMessage(r); // throws DataCloneError for values that are not plain data
  replied = true;
}

function threw(e: unknown): GraphWorkerReply {
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
}

// A graph may only build data: leaving the worker early would look like a hang to the caller.
const refuse = (what: string) => () => {
  throw new Error(`a graph file cannot call ${what}`);
};
Deno.exit = refuse("Deno.exit") as typeof Deno.exit;
self.close = refuse("close()");

self.addEventListener("error", (e) => {
  e.preventDefault();
  reply(threw(e.error ?? e.message));
});
self.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  reply(threw(e.reason));
});

self.onmessage = async (e: MessageEvent<{ url: string }>) => {
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
