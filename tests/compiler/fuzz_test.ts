// Hostile-input suite for the compiler. Property: any mutation of a valid graph spec — including
// names that JavaScript objects already carry, absurd sizes and values of the wrong type — either
// compiles (and lowers to the shapes the IR inferred) or fails with a one-line UserError; never a
// stack trace.
import assert from "node:assert/strict";
import fc from "fast-check";
import * as tf from "@tensorflow/tfjs";
import { compileSpec, type IRNode, parseJson } from "../../src/compiler/mod.ts";
import { lowerToModel } from "../../src/compiler/lower.ts";
import { isUserError } from "../../src/util/errors.ts";
import { HOSTILE_NAMES } from "./hostile.ts";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const seedSpec: Json = {
  name: "fuzz",
  input: [12, 12, 3],
  trunk: [
    { use: "small_trunk", widths: [4] },
    { op: "conv2d", name: "extra", filters: 4, kernel: 3, padding: "same" },
  ],
  heads: {
    smile: {
      attribute: "Smiling",
      branch: ["gap"],
      fc: 6,
      classes: ["no", "yes"],
      dependsOn: { gender: { kind: "attention" } },
    },
    gender: {
      branch: [{ use: "small_trunk.block", name: "b", filters: 4 }, "gap"],
      fc: { units: 5 },
      classes: ["f", "m"],
      dependsOn: { smile: { kind: "concat" } },
    },
    glasses: { branch: ["flatten"], fc: 4, classes: ["a", "b", "c"], combine: "mean" },
  },
  training: { epochs: 2, augment: { flip: false } },
};

/** Every path to a value in `v`. */
function paths(v: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  }
  return out;
}

function getAt(v: Json, path: (string | number)[]): Json {
  return path.reduce<Json>((x, k) => (x as Record<string | number, Json>)[k], v);
}

type Mutation =
  | { kind: "delete" | "duplicate"; at: number }
  | { kind: "rename"; at: number; name: string }
  | { kind: "retype"; at: number; value: Json }
  | { kind: "copy"; at: number; from: number }
  | { kind: "edge"; head: string; dep: string; edge: Json };

const names = fc.constantFrom(
  "smile",
  "gender",
  "glasses",
  "gendr",
  "x",
  "fc",
  "op",
  "use",
  "inputs",
  "@in",
  "name",
  "stem_conv",
  "b_out",
  "a/b",
  "",
  ...HOSTILE_NAMES,
);
/** Sizes past what any tensor holds, and numbers that are no sizes at all. */
const numbers = fc.constantFrom(0, -1, 0.5, 1e9, 1e15, 2 ** 31, Number.MAX_SAFE_INTEGER, NaN, Infinity, -0);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom("delete" as const, "duplicate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("rename" as const), at: fc.nat(), name: fc.oneof(names, fc.string()) }),
  fc.record({
    kind: fc.constant("retype" as const),
    at: fc.nat(),
    value: fc.oneof(
      fc.jsonValue() as fc.Arbitrary<Json>,
      fc.integer({ min: -3, max: 70 }),
      names,
      numbers as fc.Arbitrary<Json>,
    ),
  }),
  fc.record({ kind: fc.constant("copy" as const), at: fc.nat(), from: fc.nat() }),
  fc.record({
    kind: fc.constant("edge" as const),
    head: names,
    dep: names,
    edge: fc.oneof(
      fc.record({
        kind: fc.constantFrom("attention", "concat", "other"),
        context: fc.constantFrom("fc", "attended"),
        weights: fc.constantFrom("module", "shared", "perPair"),
      }, { requiredKeys: ["kind"] }) as fc.Arbitrary<Json>,
      fc.jsonValue() as fc.Arbitrary<Json>,
    ),
  }),
);

/** Sets an own property, as JSON.parse and YAML do (plain assignment of "__proto__" would not). */
function setOwn(target: Record<string | number, Json>, key: string | number, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function mutate(spec: Json, m: Mutation): Json {
  const all = paths(spec).filter((p) => p.length > 0);
  if (m.kind === "edge") {
    const heads = (spec as Record<string, Json>).heads;
    if (heads && typeof heads === "object" && !Array.isArray(heads) && Object.hasOwn(heads, m.head)) {
      const h = heads[m.head] as Record<string, Json>;
      if (h && typeof h === "object" && !Array.isArray(h)) {
        const deps = { ...(h.dependsOn && typeof h.dependsOn === "object" ? h.dependsOn : {}) } as Record<
          string,
          Json
        >;
        setOwn(deps, m.dep, m.edge);
        h.dependsOn = deps;
      }
    }
    return spec;
  }
  if (all.length === 0) return spec;
  const path = all[m.at % all.length];
  const parent = getAt(spec, path.slice(0, -1)) as Record<string | number, Json>;
  const key = path.at(-1)!;
  if (m.kind === "delete") {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (m.kind === "duplicate") {
    if (Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(parent[key as number]));
    else setOwn(parent, `${key}_copy`, structuredClone(parent[key]));
  } else if (m.kind === "rename") {
    if (!Array.isArray(parent)) {
      setOwn(parent, m.name, parent[key]);
      if (m.name !== key) delete parent[key];
    }
  } else if (m.kind === "retype") {
    setOwn(parent, key, m.value);
  } else if (m.kind === "copy") {
    setOwn(parent, key, structuredClone(getAt(spec, all[m.from % all.length])));
  }
  return spec;
}

/** A mutated spec, handed over as it is or as a JSON file would give it (own `__proto__` keys and all). */
const mutated = fc.tuple(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean()).map(
  ([ms, viaJson]) => {
    const spec = ms.reduce<Json>((s, m) => mutate(s, m), structuredClone(seedSpec));
    return viaJson ? parseJson(JSON.stringify(spec), "fuzz.json") : spec;
  },
);

/** What the suite saw; printed at the end so the closing note can quote it. */
const tally = { tried: 0, compiled: 0, oneLineErrors: 0, lowered: 0 };

function compiles(spec: unknown): ReturnType<typeof compileSpec> | undefined {
  tally.tried++;
  try {
    const compiled = compileSpec(spec);
    tally.compiled++;
    return compiled;
  } catch (e) {
    if (!isUserError(e)) throw new Error(`not a user error: ${(e as Error)?.stack ?? e}`);
    const message = (e as Error).message;
    if (message.includes("\n") || message.length === 0) {
      throw new Error(`not one line: ${JSON.stringify(message)}`);
    }
    tally.oneLineErrors++;
    return undefined;
  }
}

Deno.test("fuzz: the unmutated seed spec compiles", () => {
  assert.ok(compiles(structuredClone(seedSpec)));
});

Deno.test("fuzz: 10,000 mutated specs, hostile names among them, compile or fail with one line", () => {
  fc.assert(fc.property(mutated, (spec) => void compiles(spec)), { numRuns: 10_000, seed: 42 });
});

Deno.test("fuzz: every hostile name in every name position compiles or fails with one line", () => {
  const positions: ((name: string) => Json)[] = [
    (n) => JSON.parse(JSON.stringify(seedSpec).replace('"smile":', `${JSON.stringify(n)}:`)),
    (n) =>
      JSON.parse(
        JSON.stringify(seedSpec).replace(
          '"gender":{"kind":"attention"}',
          `${JSON.stringify(n)}:{"kind":"attention"}`,
        ),
      ),
    (n) => JSON.parse(JSON.stringify(seedSpec).replace('"name":"extra"', `"name":${JSON.stringify(n)}`)),
    (n) => JSON.parse(JSON.stringify(seedSpec).replace('"name":"b"', `"name":${JSON.stringify(n)}`)),
    (n) => JSON.parse(JSON.stringify(seedSpec).replace('"use":"small_trunk"', `"use":${JSON.stringify(n)}`)),
    (n) => JSON.parse(JSON.stringify(seedSpec).replace('"name":"fuzz"', `"name":${JSON.stringify(n)}`)),
    (n) => JSON.parse(JSON.stringify(seedSpec).replace('"epochs":2', `${JSON.stringify(n)}:2`)),
  ];
  for (const name of HOSTILE_NAMES) for (const at of positions) compiles(at(name));
});

Deno.test("fuzz: mutated specs that compile also lower, with the shapes and params the IR inferred", async () => {
  await tf.setBackend("cpu");
  fc.assert(
    fc.property(mutated, (spec) => {
      const compiled = compiles(spec);
      // Lowering allocates every weight: keep the property about shapes, not about memory.
      if (!compiled || compiled.ir.totalParams > 5_000_000) return;
      const model = lowerToModel(compiled.ir);
      try {
        assert.equal(model.countParams(), compiled.ir.totalParams);
        for (const h of compiled.ir.heads) {
          const node: IRNode = compiled.ir.nodes.find((n) => n.name === h.output)!;
          assert.deepEqual(model.getLayer(h.output).outputShape, [null, ...node.shape]);
        }
      } finally {
        tf.disposeVariables();
      }
      tally.lowered++;
    }),
    { numRuns: 2500, seed: 7 },
  );
  assert.ok(
    tally.lowered > 20,
    `only ${tally.lowered} mutated specs compiled; the property tests too little`,
  );
  console.log(
    `fuzz tally: ${tally.tried} specs tried, ${tally.compiled} compiled (${tally.lowered} of them lowered), ` +
      `${tally.oneLineErrors} one-line user errors, 0 stack traces`,
  );
});
