/**
 * setup-gpu's binding-path workaround on a fake installed package: the binding built under
 * lib/napi-v<n>/ and libtensorflow from deps/lib/ are copied to lib/napi-v8/ (where Deno looks),
 * once. (The install itself needs the internet and is not exercised here.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { applyBindingPathFix } from "../../src/cli/setup_gpu.ts";

Deno.test("the binding and libtensorflow are copied to lib/napi-v8 once", () => {
  const pkg = Deno.makeTempDirSync();
  try {
    Deno.mkdirSync(join(pkg, "lib", "napi-v9"), { recursive: true });
    Deno.mkdirSync(join(pkg, "deps", "lib"), { recursive: true });
    Deno.writeTextFileSync(join(pkg, "lib", "napi-v9", "tfjs_binding.node"), "binding");
    Deno.writeTextFileSync(join(pkg, "deps", "lib", "libtensorflow.so.2"), "tf");
    Deno.writeTextFileSync(join(pkg, "deps", "lib", "README"), "not copied");
    const copied = applyBindingPathFix(pkg).map((f) => f.slice(pkg.length + 1)).sort();
    assert.deepEqual(copied, [
      join("lib", "napi-v8", "libtensorflow.so.2"),
      join("lib", "napi-v8", "tfjs_binding.node"),
    ]);
    assert.equal(Deno.readTextFileSync(join(pkg, "lib", "napi-v8", "tfjs_binding.node")), "binding");
    assert.deepEqual(applyBindingPathFix(pkg), []);
  } finally {
    Deno.removeSync(pkg, { recursive: true });
  }
});
