// The layering the design asks for, checked on the real module graph (`deno info`): the DSL, the
// schema, the op table and the compiler's checks load no tfjs, and the compiler's packages import
// only downwards.
import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url);

interface Dependency {
  specifier: string;
  code?: { specifier: string };
  type?: { specifier: string };
}
interface ModuleInfo {
  specifier: string;
  dependencies?: Dependency[];
}

async function moduleGraph(
  entries: string[],
): Promise<{ modules: Map<string, ModuleInfo>; redirects: Record<string, string> }> {
  const modules = new Map<string, ModuleInfo>();
  const redirects: Record<string, string> = {};
  for (const entry of entries) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: root.pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const info = JSON.parse(new TextDecoder().decode(out.stdout));
    for (const m of info.modules as ModuleInfo[]) modules.set(m.specifier, m);
    Object.assign(redirects, info.redirects);
  }
  return { modules, redirects };
}

const relative = (s: string) => s.replace(root.href, "");

Deno.test("imports: the DSL, schema, op table, stdlib and the compiler's checks run without tfjs", async () => {
  const entries = [
    "src/dsl/mod.ts",
    "src/schema/mod.ts",
    "src/ops/mod.ts",
    "stdlib/mod.ts",
    "src/compiler/mod.ts",
  ];
  const { modules, redirects } = await moduleGraph(entries);
  // Follow what runs (code imports), not what only type-checks (`import type`).
  for (const entry of entries) {
    const seen = new Map<string, string[]>([[new URL(entry, root).href, [entry]]]);
    const queue = [new URL(entry, root).href];
    while (queue.length) {
      const at = queue.shift()!;
      for (const dep of modules.get(at)?.dependencies ?? []) {
        if (!dep.code) continue;
        const target = redirects[dep.code.specifier] ?? dep.code.specifier;
        const chain = [...seen.get(at)!, relative(target)];
        assert.ok(!/tensorflow/.test(target), `${entry} loads tfjs: ${chain.join(" → ")}`);
        if (!seen.has(target)) {
          seen.set(target, chain);
          queue.push(target);
        }
      }
    }
  }
});
