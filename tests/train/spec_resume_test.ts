/**
 * A run stores the graph spec it was built from (spec.json, at the run's input size) and its
 * preprocessing; resume rebuilds the model from that spec, so editing or deleting the graph file
 * after training started changes nothing. Runs made before spec.json fall back to the graph file.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { compileFile, compileSpec } from "../../src/compiler/mod.ts";
import { defaultPreprocessing, readRunConfig, readRunSpec } from "../../src/run/mod.ts";
import { runTraining } from "../../src/train/loop.ts";
import { prepareResume } from "../../src/train/resume.ts";
import { loadRunData, prepareNewRun } from "../../src/train/setup.ts";
import { fixtureData, memorySink, tempRuns, TINY_TMTL, wasmBackend } from "./helpers.ts";

/** The tiny TMTL graph as a JSON graph file that the test can edit and delete. */
async function graphFile(dir: string): Promise<string> {
  const path = join(dir, "tiny_tmtl.json");
  await Deno.writeTextFile(path, JSON.stringify((await compileFile(TINY_TMTL)).spec));
  return path;
}

async function stoppedRun(runs: string, graph: string, inputSize?: number) {
  const run = await prepareNewRun({
    graph,
    data: await fixtureData(),
    runsDir: runs,
    runId: "r",
    inputSize,
    overrides: { epochs: 2, batchSize: 16 },
    microBatch: 16,
    seed: 5,
    checkpointEvery: 2,
    backend: "wasm",
    skipBad: false,
    command: ["test"],
  });
  const data = await loadRunData(run.config, join(runs, ".cache"));
  run.lock.release();
  const r = await runTraining({ ...run, ...data, sink: memorySink(), curves: false, stopAfterSteps: 3 });
  assert.equal(r.status, "stopped");
  return { run, data };
}

Deno.test("a new run stores its spec at its input size and its preprocessing", async () => {
  await wasmBackend();
  const runs = await tempRuns();
  const { run } = await stoppedRun(runs, TINY_TMTL, 24);
  const spec = (await readRunSpec(run.runDir))!;
  assert.deepEqual(spec.input, [24, 24, 3]);
  const { ir } = compileSpec(spec);
  const { ir: fromFile } = await compileFile(TINY_TMTL, { inputSize: 24 });
  assert.deepEqual(ir, fromFile, "the stored spec compiles to the graph the run was trained on");
  const config = await readRunConfig(run.runDir);
  // What that record says is pinned in tests/run/config_test.ts.
  assert.deepEqual(config.preprocessing, defaultPreprocessing(24));
});

Deno.test("resume builds the model from spec.json: an edited or deleted graph file changes nothing", async () => {
  await wasmBackend();
  const runs = await tempRuns();
  const graph = await graphFile(runs);
  const { run, data } = await stoppedRun(runs, graph);
  const kernelShape = run.model.getLayer("smile/fc").getWeights()[0].shape;
  // The file now describes another network (wider FC layers): recompiling it could not resume.
  const edited = JSON.parse(await Deno.readTextFile(graph));
  edited.heads.smile.fc = 24;
  await Deno.writeTextFile(graph, JSON.stringify(edited));
  const resumed = await prepareResume(run.runDir);
  resumed.lock.release();
  assert.deepEqual(resumed.model.getLayer("smile/fc").getWeights()[0].shape, kernelShape);
  assert.equal(resumed.notes.length, 1, resumed.notes.join("\n"));
  await Deno.remove(graph);
  const again = await prepareResume(run.runDir);
  again.lock.release();
  const r = await runTraining({ ...again, ...data, sink: memorySink(), curves: false });
  assert.equal(r.status, "done");
  assert.equal(r.records.length, 2);
});

Deno.test("a run made before spec.json resumes from its graph file, and says so", async () => {
  await wasmBackend();
  const runs = await tempRuns();
  const { run } = await stoppedRun(runs, await graphFile(runs));
  await Deno.remove(join(run.runDir, "spec.json"));
  const resumed = await prepareResume(run.runDir);
  resumed.lock.release();
  assert.match(resumed.notes[1], /no spec\.json .*rebuilt from .*tiny_tmtl\.json$/);
  assert.deepEqual(resumed.start!.step, 2);
});
