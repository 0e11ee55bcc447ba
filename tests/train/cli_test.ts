/**
 * The train/eval/predict commands as a user runs them: a training process killed with SIGKILL and
 * resumed with --resume ends exactly like an uninterrupted one; eval prints the Table-1-style Markdown
 * table; predict prints each head's class and probability (and JSON); user mistakes are one line.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type EpochRecord, readMetrics } from "../../src/run/mod.ts";
import { type ChildResult, runDeno, waitUntil } from "../child.ts";
import { fixtureData, tempRuns, TINY_TMTL } from "./helpers.ts";

const PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-ffi", "--allow-sys"];
const cli = (name: string) => new URL(`../../src/cli/${name}.ts`, import.meta.url).pathname;

/** Runs a command to its end (killed, and the test failed, after two minutes). */
function run(name: string, args: string[]): Promise<ChildResult> {
  return runDeno(["run", ...PERMS, cli(name), ...args]);
}

const stable = ({ seconds: _s, valSeconds: _v, imagesPerSecond: _i, ...rest }: EpochRecord) => rest;

async function trainArgs(runs: string, id: string): Promise<string[]> {
  return [
    TINY_TMTL,
    ...["--data", await fixtureData(), "--epochs", "3", "--batch-size", "8", "--micro-batch", "4"],
    ...["--checkpoint-every", "1", "--runs", runs, "--run-id", id, "--backend", "wasm", "--no-curves"],
  ];
}

let shared: { runs: string; killed: string; whole: string } | undefined;

Deno.test("train killed with SIGKILL mid-epoch and resumed ends exactly like an uninterrupted run", async () => {
  const runs = await tempRuns();
  const killedDir = join(runs, "tiny_tmtl", "killed");
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMS, cli("train"), ...(await trainArgs(runs, "killed"))],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // Fails at once if the run crashes, and after two minutes if it hangs.
  await waitUntil(child, async () => {
    const seen = await Deno.readTextFile(join(killedDir, "checkpoints", "latest")).catch(() => "");
    return Number(seen.match(/step-(\d+)/)?.[1] ?? 0) >= 10; // epoch 2, batch 2 of 8
  }, "checkpoint step 10");
  child.kill("SIGKILL");
  const [status] = await Promise.all([child.status, child.stderr.cancel()]);
  assert.equal(status.signal, "SIGKILL", "the run was still going when killed");
  assert.ok((await readMetrics(killedDir)).length < 3);

  const resumed = await run("train", ["--resume", killedDir, "--backend", "wasm", "--no-curves"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /resuming .*killed from .*step-\d+ \(step \d+, epoch 2, batch \d+\)/);

  const whole = await run("train", await trainArgs(runs, "whole"));
  assert.equal(whole.code, 0, whole.stderr);
  const wholeDir = join(runs, "tiny_tmtl", "whole");

  const a = await readMetrics(wholeDir);
  const b = await readMetrics(killedDir);
  assert.equal(a.length, 3);
  assert.deepEqual(b.map(stable), a.map(stable));
  for (
    const file of [
      "best/weights.bin",
      "checkpoints/step-00000024/weights.bin",
      "checkpoints/step-00000024/optimizer.bin",
    ]
  ) {
    assert.deepEqual(
      await Deno.readFile(join(killedDir, file)),
      await Deno.readFile(join(wholeDir, file)),
      file,
    );
  }
  shared = { runs, killed: killedDir, whole: wholeDir };
});

Deno.test("eval prints per-head accuracy and the average as a Markdown table, one row per run", async () => {
  assert.ok(shared, "needs the training test above");
  const r = await run("eval", [shared.whole, shared.killed, "--split", "val", "--backend", "wasm"]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.match(lines[0], /^Accuracy \(%\) on the val split of .*synth \(8 images\):$/);
  // It says which weights it used, run by run.
  assert.deepEqual(lines.slice(-3, -2), ["weights (--weights best):"]);
  assert.match(
    lines.at(-2)!,
    /^ {2}tiny_tmtl\/whole: best\/ \(epoch [123], step (8|16|24), mean validation accuracy [\d.]+%\)$/,
  );
  assert.match(lines.at(-1)!, /^ {2}tiny_tmtl\/killed: best\/ \(epoch [123], step/);
  const table = lines.filter((l) => l.startsWith("|"));
  assert.equal(table.length, 4);
  assert.match(table[0], /^\| Architecture +\| +smile \| +gender \| +average \|$/);
  assert.match(table[1], /^\| :-+ \| -+: \| -+: \| -+: \|$/);
  assert.match(table[2], /^\| tiny_tmtl\/whole +\| [*\d. |]+\|$/);
  // Identical weights give identical rows.
  assert.equal(table[3].replace("killed", "whole "), table[2]);
  const json = JSON.parse(
    (await run("eval", [shared.whole, "--split", "val", "--json", "--backend", "wasm"])).stdout,
  );
  assert.equal(json[0].count, 8);
  assert.ok(Math.abs(json[0].average - (json[0].accuracy.smile + json[0].accuracy.gender) / 2) < 1e-12);
});

Deno.test("predict prints each head's class and probability per image, or JSON", async () => {
  assert.ok(shared, "needs the training test above");
  const images = ["000001.jpg", "000002.jpg"].map(async (f) =>
    join(await fixtureData(), "img_align_celeba", f)
  );
  const files = await Promise.all(images);
  const text = await run("predict", [shared.whole, ...files, "--backend", "wasm"]);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.trim().split("\n");
  assert.equal(lines.length, 2);
  for (const [i, line] of lines.entries()) {
    assert.match(
      line,
      new RegExp(
        `^${
          files[i]
        }  smile: (non-smile|smile) (0\\.\\d\\d|1\\.00)  gender: (female|male) (0\\.\\d\\d|1\\.00)$`,
      ),
    );
  }
  const json = await run("predict", [
    shared.whole,
    files[0],
    "--box",
    "0,0,32,32",
    "--json",
    "--backend",
    "wasm",
  ]);
  const [p] = JSON.parse(json.stdout);
  assert.equal(p.image, files[0]);
  for (const head of ["smile", "gender"]) {
    const probs = Object.values(p.heads[head].probabilities) as number[];
    assert.ok(Math.abs(probs[0] + probs[1] - 1) < 1e-5);
    assert.equal(p.heads[head].probability, Math.max(...probs));
  }
});

Deno.test("user mistakes are one-line errors without a stack", async () => {
  const runs = await tempRuns();
  const cases: [string, string[], RegExp][] = [
    [
      "train",
      ["--resume", runs, "--batch-size", "8"],
      /^error: --resume: continues a run with its stored config\.json; drop --batch-size \(a resume may change only --epochs, --lr/,
    ],
    ["train", ["--resume", runs], /^error: .*: not a run directory \(no config\.json\)$/],
    ["train", [TINY_TMTL, "--lr-schedule", "x"], /^error: --lr-schedule: expected EPOCH:LR/],
    ["train", [TINY_TMTL, "--init-from", join(runs, "nope")], /^error: .*nope: not found/],
    ["predict", [runs, "a.jpg", "--box", "1,2,3"], /^error: --box: expected x,y,w,h/],
    ["eval", [], /^error: name at least one run directory/],
  ];
  for (const [name, args, pattern] of cases) {
    const r = await run(name, [...args, "--backend", "cpu"]);
    assert.equal(r.code, 1, `${name} ${args.join(" ")}: ${r.stderr}`);
    const first = r.stderr.trim().split("\n").filter((l) => !l.startsWith("usage:"));
    assert.equal(first.length, 1, r.stderr);
    assert.match(first[0], pattern);
  }
});
