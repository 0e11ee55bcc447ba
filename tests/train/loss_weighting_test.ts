/**
 * Loss weighting: DWA's weights and uncertainty's objective and gradient against hand-computed values,
 * the setting from a graph's training section and the command line, and tiny runs with each weighting
 * that record their weights per epoch (metrics.jsonl and metrics.csv) and resume bit for bit.
 */
import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { join } from "node:path";
import { compileSpec } from "../../src/compiler/mod.ts";
import { type EpochRecord, latestCheckpoint, readMetrics, readRunConfig } from "../../src/run/mod.ts";
import { readLoopState } from "../../src/train/checkpoint.ts";
import { createLossWeighter, dwaWeights, type LossWeighting } from "../../src/train/loss_weighting.ts";
import { resolveProtocol } from "../../src/train/protocol.ts";
import { overridesFromFlags, TRAIN_FLAGS } from "../../src/cli/train_flags.ts";
import { parseFlags } from "../../src/util/flags.ts";
import { UserError } from "../../src/util/errors.ts";
import {
  stableRecord as stable,
  tempRuns,
  tinyAttentionRun,
  trainedWholeAndResumed,
  wasmBackend,
  weightsOf,
} from "./helpers.ts";

await wasmBackend();

const close = (a: number, b: number, tol = 1e-6) => Math.abs(a - b) <= tol;
const heads = (lambda: number[]) =>
  lambda.map((lossWeight, i) => ({ name: `h${i}`, classes: ["a", "b"], lossWeight }));

Deno.test("dwa: weights from two epochs of losses, as computed by hand (T = 2)", () => {
  // r = [0.5, 0.9]: 2·exp(r/2) / Σ exp(r/2) = [0.90033…, 1.09966…]
  const two = dwaWeights([0.5, 0.9], [1, 1]);
  assert.ok(close(two[0], 0.900332005375044) && close(two[1], 1.099667994624956), String(two));
  // r = [0.75, 0.5, 0.9]: 3·exp(r/2) / Σ exp(r/2)
  const three = dwaWeights([0.6, 0.3, 0.45], [0.8, 0.6, 0.5]);
  [1.0133830563752408, 0.8943074083828603, 1.0923095352418992].forEach((w, i) =>
    assert.ok(close(three[i], w), `${three}`)
  );
  assert.ok(close(three.reduce((a, b) => a + b, 0), 3), "weights sum to the number of heads");
  // Equal ratios give equal weights.
  assert.deepEqual(dwaWeights([0.4, 0.2], [0.8, 0.4]), [1, 1]);
});

Deno.test("dwa weighter: weights follow the run's last two records and scale λ in the objective", async () => {
  const record = (epoch: number, h0: number, h1: number) =>
    ({ epoch, headLoss: { h0, h1 } }) as unknown as EpochRecord;
  const w = createLossWeighter("dwa", heads([1, 0.5]));
  // The first two epochs have no ratio: weights 1 (times λ).
  w.startEpoch([]);
  assert.deepEqual(await w.weights(), [1, 0.5]);
  w.startEpoch([record(1, 1, 1)]);
  assert.deepEqual(await w.weights(), [1, 0.5]);
  w.startEpoch([record(1, 1, 1), record(2, 0.5, 0.9)]);
  assert.ok(
    close((await w.weights())[0], 0.900332005375044) &&
      close((await w.weights())[1], 0.5 * 1.099667994624956),
  );
  const value = tf.tidy(() => w.objective!(tf.tensor1d([0.7, 1.2])).dataSync()[0]);
  assert.ok(close(value, 0.900332005375044 * 0.7 + 0.5 * 1.099667994624956 * 1.2, 1e-6), String(value));
  w.dispose();
});

Deno.test("uncertainty: the objective and its gradient wrt the log-variances, as computed by hand", async () => {
  // L = Σ λ·exp(−s)·L_h + s/2 with λ = [1, 0.5], s = [0.3, −0.2], L = [0.7, 1.2]
  const w = createLossWeighter("uncertainty", heads([1, 0.5]), [0.3, -0.2]);
  const [s] = w.variables;
  const { value, grads } = tf.variableGrads(() => w.objective!(tf.tensor1d([0.7, 1.2])), [s]);
  assert.ok(close(value.dataSync()[0], 1.3014144093733044), String(value.dataSync()));
  // ∂/∂s_h = −λ_h·exp(−s_h)·L_h + ½
  const g = grads[s.name].dataSync();
  assert.ok(close(g[0], -0.018572754477202524) && close(g[1], -0.23284165489610187), String(g));
  assert.ok(
    close((await w.weights())[0], Math.exp(-0.3)) && close((await w.weights())[1], 0.5 * Math.exp(0.2)),
  );
  assert.deepEqual(await w.logVariance(), [Math.fround(0.3), Math.fround(-0.2)]);
  tf.dispose([value, ...Object.values(grads)]);
  w.dispose();
  // Fixed has no objective of its own (the step's Σ λ·L) and weights λ.
  const fixed = createLossWeighter("fixed", heads([1, 0.5]));
  assert.equal(fixed.objective, undefined);
  assert.deepEqual(await fixed.weights(), [1, 0.5]);
});

Deno.test("lossWeighting: from the graph's training section, overridden by --loss-weighting, checked", () => {
  const spec = (training: Record<string, unknown>) => ({
    name: "t",
    input: [16, 16, 3],
    trunk: [{ use: "small_trunk", widths: [4] }],
    heads: { smile: { branch: ["gap"], fc: 4, classes: ["no", "yes"] } },
    training,
  });
  const { ir, spec: parsed } = compileSpec(spec({ lossWeighting: "dwa" }));
  assert.equal(resolveProtocol(ir, parsed.training, {}).lossWeighting, "dwa");
  assert.equal(
    resolveProtocol(ir, parsed.training, { lossWeighting: "uncertainty" }).lossWeighting,
    "uncertainty",
  );
  const plain = compileSpec(spec({}));
  assert.equal(resolveProtocol(plain.ir, plain.spec.training, {}).lossWeighting, "fixed");
  assert.equal("lossWeighting" in plain.ir.training, false, "graphs that do not set it keep their IR");
  assert.throws(() => compileSpec(spec({ lossWeighting: "gradnorm" })), /training\.lossWeighting/);

  const flags = (args: string[]) => overridesFromFlags(parseFlags(TRAIN_FLAGS, args, "train").values);
  assert.equal(flags(["--loss-weighting", "dwa"]).lossWeighting, "dwa");
  assert.equal(flags([]).lossWeighting, undefined);
  assert.throws(
    () => flags(["--loss-weighting", "gradnorm"]),
    (e) =>
      e instanceof UserError && /--loss-weighting: expected one of fixed, uncertainty, dwa/.test(e.message),
  );
});

/** The tiny attention run (3 epochs of 4 steps, checkpoints every 3) with a loss weighting. */
async function weightedRun(kind: LossWeighting) {
  const o = await tinyAttentionRun(await tempRuns());
  return { ...o, overrides: { ...o.overrides, lossWeighting: kind } };
}

for (const kind of ["uncertainty", "dwa"] as const) {
  Deno.test(`${kind}: trains, records its weights per epoch, and resumes bit for bit`, async () => {
    await wasmBackend();
    const { whole, killed, resumed } = await trainedWholeAndResumed(() => weightedRun(kind), 8);
    assert.deepEqual([resumed.start!.epoch, resumed.start!.batch], [2, 2]);

    assert.equal((await readRunConfig(whole.runDir)).lossWeighting, kind);
    const a = await readMetrics(whole.runDir);
    const b = await readMetrics(killed.runDir);
    assert.equal(a.length, 3);
    assert.deepEqual(b.map(stable), a.map(stable));
    const wa = weightsOf(whole.model), wb = weightsOf(resumed.model);
    for (const [name, v] of wa) assert.deepEqual(wb.get(name), v, `weight ${name} differs`);
    const [sa, sb] = await Promise.all(
      [whole.runDir, killed.runDir].map(async (d) => readLoopState((await latestCheckpoint(d))!)),
    );
    assert.deepEqual(sb.logVariance, sa.logVariance);

    const names = ["smile", "gender"];
    if (kind === "dwa") {
      for (const r of a.slice(0, 2)) assert.deepEqual(r.lossWeights, { smile: 1, gender: 1 });
      const expected = dwaWeights(names.map((h) => a[1].headLoss[h]), names.map((h) => a[0].headLoss[h]));
      names.forEach((h, i) => assert.equal(a[2].lossWeights![h], Math.fround(expected[i])));
      assert.notDeepEqual(a[2].lossWeights, { smile: 1, gender: 1 });
      assert.equal(sa.logVariance, undefined);
    } else {
      for (const r of a) {
        names.forEach((h) => assert.equal(r.lossWeights![h], Math.fround(Math.exp(-r.logVariance![h]))));
      }
      assert.ok(names.every((h) => a[2].logVariance![h] !== 0), "the log-variances were trained");
      assert.deepEqual(sa.logVariance, names.map((h) => a[2].logVariance![h]));
    }

    const csv = (await Deno.readTextFile(join(whole.runDir, "metrics.csv"))).trim().split("\n");
    const header = csv[0].split(",");
    assert.equal(csv.length, 4, "a header and one row per epoch");
    for (const column of ["epoch", "loss", "smile_accuracy", "val_gender_loss", "smile_loss_weight"]) {
      assert.ok(header.includes(column), `metrics.csv lacks ${column}: ${header}`);
    }
    assert.equal(header.includes("smile_log_variance"), kind === "uncertainty");
    const row = Object.fromEntries(header.map((c, i) => [c, csv[3].split(",")[i]]));
    assert.equal(Number(row.epoch), 3);
    assert.equal(Number(row.val_mean_accuracy), a[2].meanValAccuracy);
    assert.equal(Number(row.gender_loss_weight), a[2].lossWeights!.gender);
    assert.deepEqual(
      await Deno.readTextFile(join(killed.runDir, "metrics.csv")).then((t) => t.split("\n")[0]),
      csv[0],
    );
  });
}
