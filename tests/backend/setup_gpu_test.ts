/**
 * setup-gpu without the internet: the binding-path workaround on a fake installed package (the binding
 * built under lib/napi-v<n>/ and libtensorflow from deps/lib/ are copied to lib/napi-v8/, where Deno
 * looks, once); the download URLs under tfjs-node's mirror settings, as its install script builds them;
 * the lines that say what the install changed, with a stand-in for `deno add`/`deno install`; and the
 * command refusing, naming the mirror, when the mirror has no libtensorflow. (The install itself needs
 * the internet and is not exercised here.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { nativeMissing } from "../../src/backend/native.ts";
import {
  bindingSource,
  DEFAULT_BINDING_HOST,
  libtensorflowSource,
} from "../../src/backend/native_download.ts";
import { applyBindingPathFix, installPackage, setupGpu } from "../../src/cli/setup_gpu.ts";
import { isUserError } from "../../src/util/errors.ts";
import { describeJsonChanges, jsonChanges } from "../../src/util/json_changes.ts";

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

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("libtensorflow's URL honours TFJS_NODE_BASE_URI, then TFJS_NODE_CDN_STORAGE, as tfjs-node's install.js", () => {
  const file = "gpu-linux-x86_64-2.9.1.tar.gz";
  assert.deepEqual(libtensorflowSource("gpu", envOf({})), {
    url: `https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-${file}`,
    setBy: "default",
  });
  assert.equal(
    libtensorflowSource("cpu", envOf({})).url,
    "https://storage.googleapis.com/tensorflow/libtensorflow/libtensorflow-cpu-linux-x86_64-2.9.1.tar.gz",
  );
  const cdn = "https://mirror.example/";
  assert.deepEqual(libtensorflowSource("gpu", envOf({ TFJS_NODE_CDN_STORAGE: cdn })), {
    url: `${cdn}tensorflow/libtensorflow/libtensorflow-${file}`,
    setBy: `TFJS_NODE_CDN_STORAGE=${cdn}`,
  });
  // .npmrc settings arrive as npm_config_…; the deprecated CDN_STORAGE comes last.
  assert.equal(
    libtensorflowSource("gpu", envOf({ npm_config_TFJS_NODE_CDN_STORAGE: cdn, CDN_STORAGE: "https://old/" }))
      .setBy,
    `npm_config_TFJS_NODE_CDN_STORAGE=${cdn}`,
  );
  assert.equal(
    libtensorflowSource("gpu", envOf({ CDN_STORAGE: "https://old/" })).setBy,
    "CDN_STORAGE=https://old/",
  );
  // A base URI wins over the host and replaces its whole path.
  const base = "https://files.example/tf/libtensorflow-";
  assert.deepEqual(
    libtensorflowSource("gpu", envOf({ TFJS_NODE_BASE_URI: base, TFJS_NODE_CDN_STORAGE: cdn })),
    { url: `${base}${file}`, setBy: `TFJS_NODE_BASE_URI=${base}` },
  );
  assert.equal(
    libtensorflowSource("gpu", envOf({ TFJS_NODE_BASE_URI: "" })).setBy,
    "default",
    "empty is unset",
  );
  assert.deepEqual(bindingSource(envOf({})), { url: DEFAULT_BINDING_HOST, setBy: "default" });
  assert.equal(bindingSource(envOf({ npm_config_tfjs_binding_binary_host_mirror: cdn })).url, cdn);
});

Deno.test("jsonChanges names each added, removed and changed value by its path", () => {
  const before = { imports: { zod: "npm:zod@4", yaml: "npm:yaml@2" }, lint: { rules: ["a"] }, fmt: 1 };
  const after = {
    imports: { zod: "npm:zod@4", "@tensorflow/tfjs-node-gpu": "npm:@tensorflow/tfjs-node-gpu@4.22.0" },
    lint: { rules: ["a", "b"] },
    fmt: 1,
    nodeModulesDir: "auto",
  };
  assert.deepEqual(describeJsonChanges("deno.json", jsonChanges(before, after)), [
    'deno.json: imports.yaml removed (was "npm:yaml@2")',
    'deno.json: imports["@tensorflow/tfjs-node-gpu"] added: "npm:@tensorflow/tfjs-node-gpu@4.22.0"',
    'deno.json: lint.rules changed: ["a"] → ["a","b"]',
    'deno.json: nodeModulesDir added: "auto"',
  ]);
  assert.deepEqual(jsonChanges(after, structuredClone(after)), []);
  assert.deepEqual(jsonChanges(undefined, { a: 1 }), [{
    path: "",
    kind: "changed",
    before: undefined,
    after: { a: 1 },
  }]);
});

Deno.test("installPackage runs deno add and install, and says what they changed in deno.json and deno.lock", async () => {
  const root = Deno.makeTempDirSync();
  try {
    const spec = "npm:@tensorflow/tfjs-node-gpu@4.22.0";
    Deno.writeTextFileSync(join(root, "deno.json"), JSON.stringify({ imports: { zod: "npm:zod@4" } }));
    Deno.writeTextFileSync(
      join(root, "deno.lock"),
      JSON.stringify({ version: "5", npm: { "zod@4.0.0": {} } }),
    );
    const ran: string[] = [];
    // Stands in for `deno add` / `deno install`: edits the files as they do.
    const lines = await installPackage(root, spec, (args, cwd) => {
      ran.push(`${args.join(" ")} @ ${cwd}`);
      if (args[0] === "add") {
        Deno.writeTextFileSync(
          join(cwd, "deno.json"),
          JSON.stringify({ imports: { zod: "npm:zod@4", "@tensorflow/tfjs-node-gpu": spec } }),
        );
        Deno.writeTextFileSync(
          join(cwd, "deno.lock"),
          JSON.stringify({
            version: "5",
            specifiers: { [spec]: "4.22.0" },
            npm: {
              "zod@4.0.0": {},
              "@tensorflow/tfjs-node-gpu@4.22.0": {},
              "tar@4.4.19": {},
            },
          }),
        );
      }
      return Promise.resolve();
    });
    assert.deepEqual(ran, [`add ${spec} @ ${root}`, `install --allow-scripts=${spec} @ ${root}`]);
    assert.deepEqual(lines, [
      `deno.json: imports["@tensorflow/tfjs-node-gpu"] added: "${spec}"`,
      "deno.lock: 3 entries added, 0 changed, 0 removed",
    ]);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test({
  name:
    "setup-gpu downloads from the mirror TFJS_NODE_BASE_URI names, and refuses in one line when it lacks libtensorflow",
  ignore: nativeMissing("tensorflow-gpu") === undefined,
  fn: async () => {
    const requests: string[] = [];
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
      requests.push(`${req.method} ${new URL(req.url).pathname}`);
      return new Response("no such file", { status: 404 });
    });
    const base = `http://127.0.0.1:${server.addr.port}/mirror/libtensorflow-`;
    const config = Deno.readTextFileSync(new URL("../../deno.json", import.meta.url));
    Deno.env.set("TFJS_NODE_BASE_URI", base);
    try {
      await assert.rejects(setupGpu([]), (e) => {
        assert.ok(isUserError(e));
        assert.ok(!e.message.includes("\n"), "one line");
        assert.match(
          e.message,
          /cannot download libtensorflow for @tensorflow\/tfjs-node-gpu from http:\/\/127/,
        );
        assert.match(
          e.message,
          /\(404 not found\); check TFJS_NODE_BASE_URI=http:\/\/127\.0\.0\.1:\d+\/mirror\//,
        );
        return true;
      });
      assert.deepEqual(requests, ["HEAD /mirror/libtensorflow-gpu-linux-x86_64-2.9.1.tar.gz"]);
      assert.equal(
        Deno.readTextFileSync(new URL("../../deno.json", import.meta.url)),
        config,
        "deno.json untouched",
      );
    } finally {
      Deno.env.delete("TFJS_NODE_BASE_URI");
      await server.shutdown();
    }
  },
});
