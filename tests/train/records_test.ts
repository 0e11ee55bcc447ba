/**
 * What a run records against what it was asked (train's flags, parsed as the command parses them):
 * config.json holds the protocol and every head's λ; the optimizer steps with each epoch's scheduled
 * learning rate, and metrics.jsonl says so; each epoch's loss is Σ λ_h · loss_h; best/best.json and
 * best/'s weights are those of the epoch with the highest mean validation accuracy.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { overridesFromFlags, TRAIN_FLAGS } from "../../src/cli/train_flags.ts";
import { readMetrics, readRunConfig, readWeights } from "../../src/run/mod.ts";
import { defaultHooks, type LoopHook } from "../../src/train/hooks.ts";
import { runTraining } from "../../src/train/loop.ts";
import { learningRate } from "../../src/train/optimizer.ts";
import { loadRunData, prepareNewRun } from "../../src/train/setup.ts";
import { parseFlags } from "../../src/util/flags.ts";
import { fixtureData, memorySink, tempRuns, tinyRunOptions, wasmBackend } from "./helpers.ts";

const ARGV = [
  ...["--epochs", "3", "--batch-size", "16", "--lr", "2e-3", "--lr-schedule", "1:5e-4,2:1e-4"],
  ...["--loss-weight", "smile=0.5,gender=2", "--no-flip", "--shift", "0.05"],
];
/** What ARGV asks for, written out. */
const LRS = [2e-3, 5e-4, 1e-4];
const LAMBDA = { smile: 0.5, gender: 2 };

Deno.test("a run records what it was asked: config.json, the lr of each epoch, λ in the loss, best.json", async () => {
  await wasmBackend();
  const runs = await tempRuns();
  const data = await fixtureData();
  const { values } = parseFlags(TRAIN_FLAGS, ARGV, "train");
  const run = await prepareNewRun(
    await tinyRunOptions(runs, {
      overrides: overridesFromFlags(values),
      microBatch: 8,
      // Seed 3 makes epoch 2 the best of three (validation accuracy up, then down), so neither the first
      // nor the last epoch is the right answer by accident.
      seed: 3,
      command: ["train", ...ARGV],
    }),
  );
  const sets = await loadRunData(run.config, join(runs, ".cache"));

  // What the optimizer actually used at every step, and the weights at every epoch's end.
  const stepLrs: [number, number][] = [];
  const weightsAt = new Map<number, Map<string, Float32Array>>();
  const probe: LoopHook = {
    onStepEnd: (ctx, s) => void stepLrs.push([s.epoch, learningRate(ctx.optimizer)]),
    onEpochEnd(ctx, end) {
      assert.equal(learningRate(ctx.optimizer), end.lr);
      weightsAt.set(
        end.epoch,
        new Map(ctx.model.weights.map((w) => [w.originalName, w.read().dataSync().slice() as Float32Array])),
      );
    },
  };
  await runTraining({
    ...run,
    ...sets,
    sink: memorySink(),
    hooks: [...defaultHooks({ curves: false }), probe],
  });

  const config = await readRunConfig(run.runDir);
  assert.deepEqual(
    {
      epochs: config.epochs,
      batchSize: config.batchSize,
      microBatch: config.microBatch,
      optimizer: config.optimizer,
      schedule: config.schedule,
      augment: config.augment,
      heads: config.heads,
      seed: config.seed,
      data: config.data,
      command: config.command,
    },
    {
      epochs: 3,
      batchSize: 16,
      microBatch: 8,
      optimizer: { kind: "adam", lr: 2e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
      schedule: [{ afterEpoch: 1, lr: 5e-4 }, { afterEpoch: 2, lr: 1e-4 }],
      augment: { flip: false, shift: 0.05 },
      heads: [
        { name: "smile", attribute: "Smiling", classes: ["non-smile", "smile"], lossWeight: 0.5 },
        { name: "gender", attribute: "Male", classes: ["female", "male"], lossWeight: 2 },
      ],
      seed: 3,
      data,
      command: ["train", ...ARGV],
    },
  );

  // 64 training images in batches of 16: 4 steps per epoch, each with its epoch's rate.
  assert.deepEqual(stepLrs, [1, 2, 3].flatMap((e) => Array(4).fill([e, LRS[e - 1]])));
  const records = await readMetrics(run.runDir);
  assert.deepEqual(records.map((r) => [r.epoch, r.step, r.lr]), [[1, 4, LRS[0]], [2, 8, LRS[1]], [
    3,
    12,
    LRS[2],
  ]]);

  for (const r of records) {
    const weighted = LAMBDA.smile * r.headLoss.smile + LAMBDA.gender * r.headLoss.gender;
    const swapped = LAMBDA.gender * r.headLoss.smile + LAMBDA.smile * r.headLoss.gender;
    const unweighted = r.headLoss.smile + r.headLoss.gender;
    assert.ok(
      Math.abs(r.loss - weighted) < 1e-5 * weighted,
      `epoch ${r.epoch}: loss ${r.loss} vs Σλ·loss ${weighted}`,
    );
    // The check can tell: dropped or swapped λ would give clearly other values here.
    assert.ok(Math.abs(r.loss - swapped) > 1e-3 && Math.abs(r.loss - unweighted) > 1e-3, `epoch ${r.epoch}`);
  }

  const best = JSON.parse(await Deno.readTextFile(join(run.runDir, "best", "best.json")));
  const top = Math.max(...records.map((r) => r.meanValAccuracy));
  const bestRecord = records.find((r) => r.meanValAccuracy === top)!;
  assert.deepEqual(best, {
    epoch: bestRecord.epoch,
    step: bestRecord.step,
    meanValAccuracy: bestRecord.meanValAccuracy,
    valAccuracy: bestRecord.valAccuracy,
  });
  const saved = await readWeights(join(run.runDir, "best", "model.json"));
  const expected = weightsAt.get(bestRecord.epoch)!;
  assert.deepEqual(Object.keys(saved).sort(), [...expected.keys()].sort());
  for (const [name, values] of expected) assert.deepEqual(saved[name].dataSync(), values, name);
  Object.values(saved).forEach((t) => t.dispose());
});
