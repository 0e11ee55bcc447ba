/**
 * The protocol of a run: overrides laid over the graph's training spec (nested fields in part), checked
 * by the TrainingSpec schema; loss weights per head; the learning rate per epoch.
 */
import assert from "node:assert/strict";
import { compileFile } from "../../src/compiler/mod.ts";
import { TrainingSpec } from "../../src/schema/mod.ts";
import { applyOverrides, lrAt, resolveProtocol } from "../../src/train/protocol.ts";
import { isUserError } from "../../src/util/errors.ts";
import { mergePlain } from "../../src/util/merge.ts";
import { TINY_TMTL } from "./helpers.ts";

const paper = TrainingSpec.parse({});

Deno.test("mergePlain merges nested objects key by key, replaces arrays, keeps undefined fields", () => {
  const base = { a: 1, o: { x: 1, y: 2 }, list: [1, 2] };
  assert.deepEqual(mergePlain(base, { o: { y: 3 }, list: [5] }), { a: 1, o: { x: 1, y: 3 }, list: [5] });
  assert.deepEqual(mergePlain(base, { a: undefined, o: { x: undefined } }), base);
  assert.deepEqual(base, { a: 1, o: { x: 1, y: 2 }, list: [1, 2] }, "base untouched");
});

Deno.test("overrides replace only what they name, and are checked by the TrainingSpec schema", () => {
  const t = applyOverrides(paper, { optimizer: { lr: 3e-3 }, augment: { shift: 0 } });
  assert.deepEqual(t, {
    ...paper,
    optimizer: { kind: "adam", lr: 3e-3 },
    augment: { flip: true, shift: 0 },
  });
  const e = (() => {
    try {
      applyOverrides(paper, { augment: { shift: 0.9 } });
    } catch (e) {
      return e;
    }
  })();
  assert.ok(isUserError(e));
  assert.match(e.message, /^training\.augment\.shift: Too big/);
});

Deno.test("resolveProtocol: the graph's protocol, overrides, Adam's constants and λ per head", async () => {
  const { ir, spec } = await compileFile(TINY_TMTL);
  const p = resolveProtocol(ir, spec.training, {
    epochs: 4,
    schedule: [{ afterEpoch: 3, lr: 1e-5 }, { afterEpoch: 1, lr: 1e-4 }],
    lossWeights: new Map([["gender", 0.5]]),
  });
  assert.equal(p.epochs, 4);
  assert.equal(p.batchSize, spec.training.batchSize);
  assert.deepEqual(p.optimizer, { kind: "adam", lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  assert.deepEqual(p.heads.map((h) => [h.name, h.lossWeight]), [["smile", 1], ["gender", 0.5]]);
  assert.deepEqual([1, 2, 3, 4].map((e) => lrAt(p, e)), [1e-3, 1e-4, 1e-4, 1e-5]);
  assert.throws(
    () => resolveProtocol(ir, spec.training, { lossWeights: new Map([["gendr", 1]]) }),
    /--loss-weight: no head 'gendr' \(heads: smile, gender\)/,
  );
});
