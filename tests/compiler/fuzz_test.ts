// Property: any mutation of a valid graph spec either compiles (and lowers to the shapes the IR
// inferred) or fails with a UserError — never an uncaught exception of any other kind.
import assert from "node:assert/strict";
import fc from "fast-check";
import * as tf from "@tensorflow/tfjs";
import { compileSpec, type IRNode } from "../../src/compiler/mod.ts";
import { lowerToModel } from "../../src/compiler/lower.ts";
import { isUserError } from "../../src/util/errors.ts";

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
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom("delete" as const, "duplicate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("rename" as const), at: fc.nat(), name: fc.oneof(names, fc.string()) }),
  fc.record({
    kind: fc.constant("retype" as const),
    at: fc.nat(),
    value: fc.oneof(fc.jsonValue() as fc.Arbitrary<Json>, fc.integer({ min: -3, max: 70 }), names),
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

function mutate(spec: Json, m: Mutation): Json {
  const all = paths(spec).filter((p) => p.length > 0);
  if (m.kind === "edge") {
    const heads = (spec as Record<string, Json>).heads;
    if (heads && typeof heads === "object" && !Array.isArray(heads) && m.head in heads) {
      const h = heads[m.head] as Record<string, Json>;
      if (h && typeof h === "object") h.dependsOn = { ...(h.dependsOn as object ?? {}), [m.dep]: m.edge };
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
    else parent[`${key}_copy`] = structuredClone(parent[key]);
  } else if (m.kind === "rename") {
    if (!Array.isArray(parent)) {
      parent[m.name] = parent[key];
      if (m.name !== key) delete parent[key];
    }
  } else if (m.kind === "retype") {
    parent[key] = m.value;
  } else if (m.kind === "copy") {
    parent[key] = structuredClone(getAt(spec, all[m.from % all.length]));
  }
  return spec;
}

const mutated = fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) =>
  ms.reduce<Json>((s, m) => mutate(s, m), structuredClone(seedSpec))
);

function compiles(spec: Json): ReturnType<typeof compileSpec> | undefined {
  try {
    return compileSpec(spec);
  } catch (e) {
    if (isUserError(e)) return undefined;
    throw e;
  }
}

Deno.test("fuzz: the unmutated seed spec compiles", () => {
  assert.ok(compiles(structuredClone(seedSpec)));
});

Deno.test("fuzz: 3000 mutated specs compile or fail with a user error", () => {
  fc.assert(fc.property(mutated, (spec) => void compiles(spec)), { numRuns: 3000, seed: 42 });
});

Deno.test("fuzz: mutated specs that compile also lower, with the shapes and params the IR inferred", async () => {
  await tf.setBackend("cpu");
  let lowered = 0;
  fc.assert(
    fc.property(mutated, (spec) => {
      const compiled = compiles(spec);
      if (!compiled) return;
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
      lowered++;
    }),
    { numRuns: 400, seed: 7 },
  );
  assert.ok(lowered > 20, `only ${lowered} mutated specs compiled; the property tests too little`);
});
