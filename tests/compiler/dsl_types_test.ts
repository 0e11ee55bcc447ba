// Head names are checked by `deno check`, not only by the compiler. Each `@ts-expect-error` below
// fails type checking if the line under it stops being an error, so this file proves the typing.
import assert from "node:assert/strict";
import { attention, graph, head, withEdges } from "../../src/dsl/mod.ts";
import { compileSpec } from "../../src/compiler/mod.ts";
import tmtl from "../../graphs/tmtl.ts";

const smile = head({ attribute: "Smiling", branch: ["gap"], fc: 8, classes: ["no", "yes"] });
const trunk = [{ use: "small_trunk", widths: [8] }];

Deno.test("dsl types: a misspelt head in dependsOn is a type error and a compile error", () => {
  const bad = graph({
    name: "typo",
    input: [32, 32, 3],
    trunk,
    heads: {
      smile,
      // @ts-expect-error "gendr" is not a head of this graph
      gender: head({ branch: ["gap"], fc: 8, classes: ["f", "m"], dependsOn: { gendr: attention() } }),
    },
  });
  assert.throws(() => compileSpec(bad), /heads\.gender\.dependsOn\.gendr: unknown head "gendr"/);
});

Deno.test("dsl types: withEdges only accepts the base graph's heads", () => {
  // @ts-expect-error "gendr" is not a head of tmtl
  const bad = withEdges(tmtl, "typo", { smile: { dependsOn: { gendr: attention() } } });
  assert.throws(() => compileSpec(bad), /unknown head "gendr"/);
  // @ts-expect-error a head cannot depend on itself
  const self = withEdges(tmtl, "self", { smile: { dependsOn: { smile: attention() } } });
  assert.throws(() => compileSpec(self), /cannot depend on itself/);
});

Deno.test("dsl types: builders return plain JSON data", () => {
  const g = withEdges(tmtl, "x", { gender: { dependsOn: { smile: attention({ weights: "shared" }) } } });
  assert.deepEqual(JSON.parse(JSON.stringify(g)), g);
  assert.deepEqual(g.heads.gender.dependsOn, { smile: { kind: "attention", weights: "shared" } });
  assert.equal(tmtl.heads.gender.dependsOn, undefined, "the base graph is not changed");
});
