/**
 * The experiment's planning and report without training: which layers are new to B, the control's
 * protocol (B's), the remedies' protocols, mistakes found before anything trains, and the report's
 * numbers (decisive differences against the control, the other comparisons, the warm-start dip,
 * results.csv) from made-up runs.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { compileFile } from "../../src/compiler/mod.ts";
import {
  type Arm,
  type ArmRun,
  experimentReport,
  newLayers,
  planArms,
  resultsCsv,
} from "../../src/experiment/mod.ts";
import type { ReportInput } from "../../src/experiment/report.ts";
import { firstEpochLr, lrAt } from "../../src/train/protocol.ts";
import { signedPct } from "../../src/eval/paired_stats.ts";
import { UserError } from "../../src/util/errors.ts";

const TMTL = new URL("../train/fixtures/tiny_tmtl.ts", import.meta.url).pathname;
const ATTENTION = new URL("../train/fixtures/tiny_attention_mtl.ts", import.meta.url).pathname;

Deno.test("new layers: attention edges, and the classifiers that now read them", async () => {
  const [a, b] = [(await compileFile(TMTL)).ir, (await compileFile(ATTENTION)).ir];
  assert.deepEqual(newLayers(a, b), ["smile/att_gender", "smile/out", "gender/att_smile", "gender/out"]);
  assert.deepEqual(newLayers(a, a), []);
  // Everything of B is new to a graph that shares no names with it.
  assert.equal(newLayers({ ...a, nodes: [] }, b).length, b.nodes.filter((n) => n.params > 0).length);
});

Deno.test("first-epoch learning rate: epoch 1 at the given rate, then the protocol's rates", () => {
  fc.assert(fc.property(
    fc.double({ min: 1e-5, max: 1, noNaN: true }),
    fc.array(fc.record({ afterEpoch: fc.nat(8), lr: fc.double({ min: 1e-6, max: 1, noNaN: true }) })),
    fc.double({ min: 1e-6, max: 1, noNaN: true }),
    (lr, steps, warm) => {
      const config = { optimizer: { lr }, schedule: [...steps].sort((x, y) => x.afterEpoch - y.afterEpoch) };
      const changed = firstEpochLr(config, warm);
      assert.equal(lrAt(changed, 1), warm);
      for (let epoch = 2; epoch <= 10; epoch++) assert.equal(lrAt(changed, epoch), lrAt(config, epoch));
    },
  ));
});

const plan = (extra: Partial<Parameters<typeof planArms>[0]> = {}) =>
  planArms({
    graphA: TMTL,
    graphB: ATTENTION,
    a: { epochs: 3 },
    b: { epochs: 2, schedule: [{ afterEpoch: 1, lr: 1e-4 }], lossWeighting: "dwa" },
    warmStart: true,
    labels: { a: "tmtl", b: "att" },
    ...extra,
  });

Deno.test("arms: A, the control trained as B is, B, and each remedy", async () => {
  const arms = await plan({ remedies: { warmupNew: 1, warmupLr: 1e-4 } });
  assert.deepEqual(arms.map((x) => x.key), ["a", "control", "b", "warmup-new", "warmup-lr"]);
  assert.deepEqual(arms.map((x) => x.label), [
    "tmtl",
    "tmtl continued",
    "att",
    "att, new layers only for 1 epoch",
    "att, first epoch at lr 0.0001",
  ]);
  const [a, control, , warmupNew, warmupLr] = arms;
  assert.equal(a.fromA, false);
  assert.equal(control.graph, TMTL);
  assert.equal(control.fromA, true);
  // The control has B's protocol (the graph's batch size and augmentation included), not A's.
  assert.deepEqual(control.overrides, {
    epochs: 2,
    batchSize: 64,
    optimizer: { lr: 1e-3 },
    schedule: [{ afterEpoch: 1, lr: 1e-4 }],
    augment: { flip: true, shift: 0.1 },
    lossWeighting: "dwa",
  });
  assert.deepEqual(warmupNew.warmup, {
    epochs: 1,
    layers: ["smile/att_gender", "smile/out", "gender/att_smile", "gender/out"],
  });
  assert.deepEqual(warmupLr.overrides.optimizer, { lr: 1e-4 });
  // B's epoch 2 is at 1e-4 (its schedule), so the warm-up's epoch 2 is too.
  assert.deepEqual(warmupLr.overrides.schedule, [{ afterEpoch: 1, lr: 1e-4 }]);
  assert.equal(new Set(arms.map((x) => `${x.graph}${x.suffix}`)).size, arms.length, "run ids are distinct");

  const cold = await plan({ warmStart: false });
  assert.equal(cold[1].label, "tmtl, att's protocol");
  assert.equal(cold[1].fromA, false);
  assert.equal(cold[2].fromA, false);
});

Deno.test("arms: mistakes are found before anything trains", async () => {
  const fails = async (extra: Partial<Parameters<typeof planArms>[0]>, pattern: RegExp) => {
    const e = await plan(extra).then(() => null, (e) => e);
    assert.ok(e instanceof UserError, String(e));
    assert.match(e.message, pattern);
  };
  await fails({ remedies: { warmupNew: 3 } }, /--warmup-new: 3 epochs is more than att's 2/);
  await fails({ warmStart: false, remedies: { warmupLr: 1e-4 } }, /--warmup-lr: .*needs the warm start/);
  await fails(
    { graphB: TMTL, remedies: { warmupNew: 1 } },
    /--warmup-new: att has no layers that tmtl lacks/,
  );
  await fails({ b: { epochs: 0 } }, /training\.epochs/);
  await fails({ graphB: "no/such/graph.ts" }, /no\/such\/graph\.ts/);
});

/** A made-up run: test accuracies per head and a validation curve of means (heads equal to the mean). */
function run(test: Record<string, number>, curve: number[]): ArmRun {
  return {
    graph: "g",
    runDir: "runs/g/r",
    label: "g/r",
    test: {
      count: 100,
      meanAccuracy: 0,
      heads: Object.fromEntries(
        Object.entries(test).map(([h, accuracy]) => [h, { accuracy, correct: 0, count: 100, loss: 0 }]),
      ),
    },
    trainSeconds: 1,
    epochs: curve.length,
    valCurve: curve.map((mean, i) => ({ epoch: i + 1, mean, heads: { smile: mean, gender: mean } })),
  };
}

Deno.test("report: three rows, B against the control per seed, the other comparisons and the dip", async () => {
  const arms: Arm[] = (await plan()).map((x) => ({ ...x, about: `about ${x.key}` }));
  const input: ReportInput = {
    title: "att vs tmtl",
    heads: ["smile", "gender"],
    arms,
    warmStart: true,
    seeds: [
      {
        seed: 1,
        runs: {
          a: run({ smile: 0.8, gender: 0.9 }, [0.7, 0.85]),
          control: run({ smile: 0.82, gender: 0.9 }, [0.84, 0.86]),
          b: run({ smile: 0.85, gender: 0.91 }, [0.6, 0.87]),
        },
      },
      {
        seed: 2,
        runs: {
          a: run({ smile: 0.78, gender: 0.88 }, [0.8, 0.75]),
          control: run({ smile: 0.8, gender: 0.9 }, [0.8, 0.82]),
          b: run({ smile: 0.84, gender: 0.9 }, [0.7, 0.83]),
        },
      },
    ],
  };
  const report = experimentReport(input);
  assert.match(report, /^# att vs tmtl$/m);
  assert.match(report, /- \*\*tmtl continued\*\*: about control\./);
  // Rows: mean ± sd of the test accuracy (average = mean of the heads).
  assert.match(report, /\| tmtl +\| 79\.00 ± 1\.41 \| 89\.00 ± 1\.41 \| 84\.00 ± 1\.41 \|/);
  assert.match(report, /\| tmtl continued +\| 81\.00 ± 1\.41 \| 90\.00 ± 0\.00 \| 85\.50 ± 0\.71 \|/);
  assert.match(report, /\| att +\| 84\.50 ± 0\.71 \| 90\.50 ± 0\.71 \| 87\.50 ± 0\.71 \|/);
  // Decisive: att − tmtl continued per seed (+3, +1 smile; +1, 0 gender; +2, +2 average).
  assert.match(report, /Per-seed difference att − tmtl continued/);
  assert.match(report, /\| 1 +\| +\+3\.00 \| +\+1\.00 \| +\+2\.00 \|/);
  assert.match(report, /\| 2 +\| +\+4\.00 \| +\+0\.00 \| +\+2\.00 \|/);
  assert.match(
    report,
    /\*\*Verdict\*\* \(att vs tmtl continued, equal budget\): The average /,
  );
  // B − A as the paper compares: average +3.00, +4.00.
  assert.match(
    report,
    /\| att − tmtl \(the paper's comparison: att also trained 2 more epochs\) +\| +\+3\.50 ± 0\.71 \|/,
  );
  assert.match(report, /\| tmtl continued − tmtl \(what 2 more epochs give tmtl\) +\| +\+1\.50 ± 0\.71 \|/);
  // The dip: start = A's best epoch (0.85 and 0.80), after epoch 1: control 0.84, 0.80; B 0.60, 0.70.
  assert.match(
    report,
    /\| tmtl, best epoch \(the start\) +\| 82\.50 ± 3\.54 \| 82\.50 ± 3\.54 \| 82\.50 ± 3\.54 \|/,
  );
  assert.match(
    report,
    /\| att, after epoch 1 +\| 65\.00 ± 7\.07 \| 65\.00 ± 7\.07 \| 65\.00 ± 7\.07 \| +-17\.50 \| 85\.00 ± 2\.83 \|/,
  );
  assert.match(report, /\| tmtl continued, after epoch 1 .*\| +-0\.50 \|/);

  const csv = resultsCsv(input).trim().split("\n");
  assert.equal(csv.length, 1 + 2 * 3);
  assert.equal(
    csv[0],
    "seed,arm,label,graph,run,epochs,test_smile,test_gender,test_average,val_mean_after_epoch1,val_mean_best,train_seconds",
  );
  assert.equal(csv[3], `1,b,att,${ATTENTION},runs/g/r,2,0.85,0.91,${(0.85 + 0.91) / 2},0.6,0.87,1`);

  // A third seed with a smaller gain (+1.5): differences 2, 2, 1.5 → t = 11.0, p = 0.008.
  const third = { ...input.seeds[1].runs, b: run({ smile: 0.83, gender: 0.9 }, [0.7, 0.83]) };
  const three = experimentReport({ ...input, seeds: [...input.seeds, { seed: 3, runs: third }] });
  assert.match(
    three,
    /\*\*Verdict\*\* \(att vs tmtl continued, equal budget\): The average is higher by 1\.83 points, unlikely to be seed noise \(p = 0\.008\)/,
  );
});

Deno.test("signed points: a sign always, and no -0.00", () => {
  assert.equal(signedPct(0.0123), "+1.23");
  assert.equal(signedPct(-0.0123), "-1.23");
  assert.equal(signedPct(-1e-9), "+0.00");
  assert.equal(signedPct(0), "+0.00");
  assert.equal(signedPct(NaN), "–");
});
