/**
 * The local module files a graph module imports, found by reading its import statements. A graph
 * file is evaluated with read access to exactly these files (see sandbox.ts): Deno's module loader
 * needs it for every local module of a dynamic import, and a graph can already see whatever it
 * imports, so the grant adds nothing it could not get otherwise.
 *
 * @module
 */
import { extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Extensions of files Deno loads as modules; only these are followed and granted. */
const MODULE_EXTENSIONS = new Set([".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json"]);

// `import … from "x"`, `export … from "x"`, `import "x"`, `import("x")`: the specifier is group 2.
const SPECIFIERS = [
  /\b(?:import|export)\b[^;'"`]*?\bfrom\s*(['"])([^'"\n]+)\1/g,
  /\bimport\s*(['"])([^'"\n]+)\1/g,
  /\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*[,)]/g,
];

/** At most this many files are followed (a graph and the project's DSL and stdlib need ~20). */
const MAX_FILES = 1000;

/**
 * Absolute paths of `entry` and every local module it imports, directly or not. Bare, `npm:`,
 * `jsr:` and remote specifiers are not followed (they need no read access); a specifier that names
 * no file is kept, for the module loader to report.
 */
export async function localModuleFiles(entry: string): Promise<string[]> {
  const found = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length > 0 && found.size < MAX_FILES) {
    const file = queue.shift()!;
    if (extname(file) === ".json") continue;
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch {
      continue; // the loader reports it
    }
    for (const spec of specifiersIn(text)) {
      const target = localTarget(spec, file);
      if (!target || found.has(target) || !MODULE_EXTENSIONS.has(extname(target))) continue;
      // A missing file is granted too, so that the loader reports "Module not found" rather than
      // asking for permission.
      found.add(target);
      queue.push(target);
    }
  }
  return [...found];
}

function specifiersIn(text: string): string[] {
  return SPECIFIERS.flatMap((re) => [...text.matchAll(re)].map((m) => m[2]));
}

/** The file a relative, absolute or `file:` specifier names, relative to the importing file. */
function localTarget(spec: string, from: string): string | undefined {
  if (!/^(\.{1,2}\/|\/|file:)/.test(spec)) return undefined;
  try {
    return fileURLToPath(new URL(spec, pathToFileURL(from)));
  } catch {
    return undefined;
  }
}
