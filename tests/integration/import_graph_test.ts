/**
 * The import graph of the source tree: no cycles between files, and no arrow from a lower layer back
 * up (eval never imports train, run never imports eval, nothing imports the commands).
 */
import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";

const root = new URL("../../", import.meta.url).pathname;

/** Layers from the bottom up: a module may import its own folder and folders ranked below it. */
const LAYERS: string[][] = [
  ["src/util"],
  ["src/ops"],
  ["src/schema"],
  ["src/dsl"],
  ["stdlib"],
  ["src/layers"],
  ["src/compiler"],
  ["src/backend"],
  ["src/data"],
  ["src/run"],
  ["src/eval"],
  ["src/train"],
  ["src/experiment", "src/export"],
  ["bench"],
  ["src/cli"],
];
const rank = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i] as const)));

function* sources(dir: string): Generator<string> {
  for (const e of Deno.readDirSync(join(root, dir))) {
    const path = join(dir, e.name);
    if (e.isDirectory) yield* sources(path);
    else if (e.name.endsWith(".ts")) yield path;
  }
}

/** The project files a source file imports (relative specifiers only), as paths from the root. */
function importsOf(file: string): string[] {
  // Comments hold example code (`import … from "./mod.ts"` in JSDoc): only code counts.
  const text = Deno.readTextFileSync(join(root, file)).replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/^\s*\/\/.*$/gm, "");
  // Type-only imports are erased at run time: they add no arrow.
  const code = text.replace(/^\s*(?:import|export)\s+type\s[^;]*;/gm, "");
  const specifiers = [...code.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]);
  return specifiers.map((s) => relative(root, resolve(root, dirname(file), s)));
}

/** The layer a file belongs to: the longest LAYERS entry its path starts with. */
function layerOf(file: string): string {
  const name =
    [...rank.keys()].filter((n) => file.startsWith(n + "/")).sort((a, b) => b.length - a.length)[0];
  assert.ok(name, `${file}: add its folder to LAYERS in this test`);
  return name;
}

const files = [...sources("src"), ...sources("stdlib"), ...sources("bench")];
const graph = new Map(files.map((f) => [f, importsOf(f)]));

Deno.test("imports point down the layers: a module never imports a layer above its own", () => {
  const upward: string[] = [];
  for (const [file, deps] of graph) {
    const from = layerOf(file);
    for (const dep of deps) {
      const to = layerOf(dep);
      if (to !== from && rank.get(to)! >= rank.get(from)!) upward.push(`${file} → ${dep}`);
    }
  }
  assert.deepEqual(upward, []);
});

Deno.test("eval, run and the lower layers never import train", () => {
  const offenders = [...graph].filter(([f, deps]) =>
    !f.startsWith("src/train/") && rank.get(layerOf(f))! < rank.get("src/train")! &&
    deps.some((d) => d.startsWith("src/train/"))
  );
  assert.deepEqual(offenders.map(([f]) => f), []);
});

Deno.test("no import cycles between files", () => {
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      cycles.push([...path.slice(path.indexOf(file)), file].join(" → "));
      return;
    }
    state.set(file, "open");
    for (const dep of graph.get(file) ?? []) visit(dep, [...path, file]);
    state.set(file, "done");
  };
  for (const file of graph.keys()) visit(file, []);
  assert.deepEqual(cycles, []);
});
