// Every name a user chooses is data. Names that JavaScript objects already carry either work
// (`prototype`) or are refused by the schema with one line naming where they are; none crashes the
// compiler or is dropped without a word.
import assert from "node:assert/strict";
import { compileSpec } from "../../src/compiler/mod.ts";
import { withEdges } from "../../src/dsl/mod.ts";
import { parseJson, parseYaml } from "../../src/compiler/mod.ts";
import { isUserError } from "../../src/util/errors.ts";
import { HOSTILE_NAMES } from "./hostile.ts";

const head = (extra: Record<string, unknown> = {}) => ({
  branch: ["gap"],
  fc: 4,
  classes: ["a", "b"],
  ...extra,
});
const spec = (heads: Record<string, unknown>, trunk: unknown[] = [{ use: "small_trunk", widths: [4] }]) => ({
  name: "hostile",
  input: [16, 16, 3],
  trunk,
  heads,
});

/** Compiles `data` as a JSON text would arrive (so `__proto__` is an own key, as JSON.parse makes it). */
function outcome(
  data: unknown,
): { ok: true; ir: ReturnType<typeof compileSpec>["ir"] } | { ok: false; message: string } {
  const parsed = parseJson(JSON.stringify(data), "hostile.json");
  try {
    return { ok: true, ir: compileSpec(parsed, {}, "hostile.json").ir };
  } catch (e) {
    assert.ok(isUserError(e), `expected a user error, got ${(e as Error).stack}`);
    const message = (e as Error).message;
    assert.ok(!message.includes("\n"), `one line: ${JSON.stringify(message)}`);
    return { ok: false, message };
  }
}

/** JSON text with `key` as an own property (JSON.stringify of a literal cannot make `__proto__`). */
function withKey(json: string, placeholder: string, key: string): unknown {
  return JSON.parse(json.replace(`"${placeholder}"`, JSON.stringify(key)));
}

Deno.test("hostile names: as head names, refused with the path unless harmless", () => {
  for (const name of HOSTILE_NAMES) {
    const data = withKey(JSON.stringify(spec({ PLACEHOLDER: head(), b: head() })), "PLACEHOLDER", name);
    const r = outcome(data);
    if (name === "prototype") {
      assert.ok(r.ok, `"prototype" is an ordinary head name`);
      assert.deepEqual(r.ir.heads.map((h) => h.name), ["prototype", "b"]);
      assert.ok(r.ir.nodes.some((n) => n.name === "prototype/fc"));
    } else {
      assert.ok(!r.ok, name);
      assert.match(r.message, new RegExp(`^hostile\\.json: heads\\.${name}: `), r.message);
      if (name === "constructor") assert.match(r.message, /"constructor" is reserved/);
      if (name === "__proto__") assert.match(r.message, /"__proto__" cannot be a name/);
    }
  }
});

Deno.test("hostile names: as dependsOn keys, an unknown head (or refused), never followed into Object.prototype", () => {
  for (const name of HOSTILE_NAMES) {
    const json = JSON.stringify(
      spec({ a: head({ dependsOn: { PLACEHOLDER: { kind: "attention" } } }), b: head() }),
    );
    const r = outcome(withKey(json, "PLACEHOLDER", name));
    assert.ok(!r.ok, name);
    if (name === "__proto__") {
      assert.equal(
        r.message,
        `hostile.json: heads.a.dependsOn.__proto__: "__proto__" cannot be a name: it is JavaScript's prototype link`,
      );
    } else {
      assert.equal(r.message, `heads.a.dependsOn.${name}: unknown head "${name}"; heads are a, b`);
    }
  }
  // A real head of that name is found, and the edge is built.
  const r = outcome(
    spec({
      prototype: head({ dependsOn: { b: { kind: "attention" } } }),
      b: head({ dependsOn: { prototype: { kind: "concat" } } }),
    }),
  );
  assert.ok(r.ok);
  assert.deepEqual(r.ir.heads.map((h) => h.representation), ["prototype/att_b", "b/combine"]);
});

Deno.test("hostile names: as layer names, fragment names and inputs", () => {
  for (const name of HOSTILE_NAMES) {
    const layer = outcome(spec({ a: head() }, [{ op: "conv2d", name, filters: 4, kernel: 3 }]));
    if (name === "prototype") {
      assert.ok(layer.ok);
      assert.equal(layer.ir.nodes[1].name, "prototype");
    } else {
      assert.ok(!layer.ok, name);
      assert.match(layer.message, /^hostile\.json: trunk\[0\]\.name: /);
    }
    const fragment = outcome(spec({ a: head() }, [{ use: name }]));
    assert.ok(!fragment.ok);
    assert.match(fragment.message, new RegExp(`^trunk\\[0\\]\\.use: unknown stdlib fragment "${name}"`));
    const input = outcome(
      spec({ a: head() }, [{ op: "conv2d", name: "c", filters: 4, kernel: 3, inputs: [name] }]),
    );
    assert.ok(!input.ok);
    assert.match(
      input.message,
      new RegExp(`^trunk\\[0\\]\\.inputs\\[0\\]: input "${name}" names no earlier layer`),
    );
    const block = outcome(
      spec({ a: head({ branch: [{ use: "small_trunk.block", name, filters: 4 }, "gap"] }) }),
    );
    if (name === "prototype") assert.ok(block.ok);
    else {
      assert.ok(!block.ok, name);
      assert.match(block.message, /^heads\.a\.branch\[0\]\.name: /);
    }
  }
});

Deno.test("hostile names: a `__proto__` key anywhere (JSON or YAML) is refused, not silently dropped", () => {
  const fromYaml = () =>
    compileSpec(
      parseYaml(
        "name: x\ninput: [16, 16, 3]\ntrunk: [{ use: small_trunk, widths: [4] }]\n" +
          "heads:\n  __proto__: { branch: [gap], fc: 4, classes: [a, b] }\n  b: { branch: [gap], fc: 4, classes: [a, b] }\n",
        "x.yaml",
      ),
      {},
      "x.yaml",
    );
  assert.throws(fromYaml, /^UserError: x\.yaml: heads\.__proto__: "__proto__" cannot be a name/);
  const training = withKey(
    JSON.stringify({ ...spec({ a: head() }), training: { PLACEHOLDER: { epochs: 1 } } }),
    "PLACEHOLDER",
    "__proto__",
  );
  const r = outcome(training);
  assert.ok(!r.ok);
  assert.match(r.message, /^hostile\.json: training\.__proto__: /);
});

Deno.test("hostile names: withEdges keeps a `__proto__` head as data, for the compiler to refuse", () => {
  const base = spec({ a: head(), b: head() }) as Parameters<typeof withEdges>[0];
  const edges = JSON.parse('{"__proto__": {"dependsOn": {"a": {"kind": "attention"}}}}');
  const g = withEdges(base, "hostile", edges);
  assert.ok(Object.hasOwn(g.heads, "__proto__"), "kept as an own key");
  assert.equal(Object.getPrototypeOf(g.heads), Object.prototype, "the prototype is untouched");
  const r = outcome(g);
  assert.ok(!r.ok);
  assert.match(r.message, /^hostile\.json: heads\.__proto__: "__proto__" cannot be a name/);
});
