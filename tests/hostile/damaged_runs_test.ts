/**
 * Damaged runs: every file of a trained run (checkpoint weights, optimizer, state, model, manifest,
 * `latest`, best/, config.json, spec.json, metrics.jsonl, the lock and marker files) damaged in every
 * way that fits it (truncated, torn, a flipped byte, garbage appended, replaced by garbage, JSON with
 * wrong types, object-key names or huge numbers, emptied, removed, turned into a folder or a symlink
 * loop), then read by every command that reads runs — eval (best and last), predict, --init-from, and
 * resume. Each must end in success or a one-line error, never a stack trace; and no data is lost: a
 * read leaves the run as it was, a resume keeps every file's contents somewhere (a damaged
 * checkpoint, best/ or metrics file is moved or copied aside, not deleted) and still has an intact
 * checkpoint. Two processes resuming one run: the second is refused, and a killed holder's lock is
 * taken over.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { EVAL } from "../../src/cli/eval.ts";
import { PREDICT } from "../../src/cli/predict.ts";
import { TRAIN } from "../../src/cli/train.ts";
import { findCheckpoint, readMetrics } from "../../src/run/mod.ts";
import { Rng } from "../../src/util/rng.ts";
import { copyDir, fixtureData, TINY_TMTL, trainedRun, wasmBackend } from "../train/helpers.ts";
import { fingerprint, lostFiles, outcomeOf, Tally } from "./fuzz.ts";

type Damage = (path: string) => Promise<void>;

const rewriteJson = (f: (v: unknown) => unknown): Damage => async (path) => {
  await Deno.writeTextFile(path, JSON.stringify(f(JSON.parse(await Deno.readTextFile(path)))));
};

/** Every JSON number replaced by `n`, every string by `s` (deeply). */
function mapLeaves(v: unknown, n: unknown, s: unknown): unknown {
  if (typeof v === "number") return n;
  if (typeof v === "string") return s;
  if (Array.isArray(v)) return v.map((x) => mapLeaves(x, n, s));
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapLeaves(x, n, s)]));
  }
  return v;
}

const BYTES: Record<string, Damage> = {
  "emptied": (p) => Deno.truncate(p, 0),
  "cut in half": async (p) => Deno.truncate(p, Math.floor((await Deno.stat(p)).size / 2)),
  "one byte flipped": async (p) => {
    const b = await Deno.readFile(p);
    if (b.length) b[b.length >> 1] ^= 0x5a;
    await Deno.writeFile(p, b);
  },
  "garbage appended": (p) => Deno.writeTextFile(p, "\u0000garbage\n", { append: true }),
  "removed": (p) => Deno.remove(p, { recursive: true }),
  "a folder": async (p) => {
    await Deno.remove(p, { recursive: true });
    await Deno.mkdir(p);
  },
  "a symlink loop": async (p) => {
    await Deno.remove(p, { recursive: true });
    await Deno.symlink(p, p);
  },
};

const JSON_DAMAGE: Record<string, Damage> = {
  ...BYTES,
  "garbage": (p) => Deno.writeTextFile(p, "{not json at all"),
  "an array": (p) => Deno.writeTextFile(p, "[1,2,3]"),
  "null": (p) => Deno.writeTextFile(p, "null"),
  "numbers as strings": rewriteJson((v) => mapLeaves(v, "7", "x")),
  "huge numbers": rewriteJson((v) => mapLeaves(v, 1e308, "\u001b[2J\n")),
  "negative numbers": rewriteJson((v) => mapLeaves(v, -1, "")),
  "object-key names": rewriteJson((v) => ({
    ...(v && typeof v === "object" ? v : {}),
    ["__proto__"]: { polluted: true },
    constructor: "x",
    toString: 1,
  })),
};

const LINES: Record<string, Damage> = {
  ...BYTES,
  "a torn middle line": async (p) => {
    const [a, b] = (await Deno.readTextFile(p)).trim().split("\n");
    await Deno.writeTextFile(p, `${a}\n${b.slice(0, 20)}\n${b}\n`);
  },
  "object-key heads": async (p) => {
    const r = JSON.parse((await Deno.readTextFile(p)).split("\n")[0]);
    r.valAccuracy = JSON.parse('{"__proto__": 1, "constructor": 0.5}');
    await Deno.writeTextFile(p, JSON.stringify(r) + "\n", { append: true });
  },
};

const CK = (step: number) => `checkpoints/step-${String(step).padStart(8, "0")}`;

/** Each damaged file, with the damage that fits it. */
const TARGETS: [string, Record<string, Damage>][] = [
  [`${CK(8)}/weights.bin`, BYTES],
  [`${CK(8)}/optimizer.bin`, BYTES],
  [`${CK(8)}/state.json`, JSON_DAMAGE],
  [`${CK(8)}/model.json`, JSON_DAMAGE],
  [`${CK(8)}/manifest.json`, JSON_DAMAGE],
  [CK(8), { "removed": BYTES["removed"], "a symlink loop": BYTES["a symlink loop"] }],
  [`${CK(6)}/weights.bin`, { "cut in half": BYTES["cut in half"] }],
  ["checkpoints/latest", { ...BYTES, "garbage": (p) => Deno.writeTextFile(p, "../../../etc\n") }],
  ["best/weights.bin", BYTES],
  ["best/model.json", JSON_DAMAGE],
  ["best/best.json", JSON_DAMAGE],
  ["best/manifest.json", JSON_DAMAGE],
  ["best", { "removed": BYTES["removed"], "a symlink loop": BYTES["a symlink loop"] }],
  ["config.json", JSON_DAMAGE],
  ["spec.json", JSON_DAMAGE],
  ["metrics.jsonl", LINES],
  [".lock", {
    "garbage": (p) => Deno.writeTextFile(p, '{"pid": "x"}\n\u0000'),
    "a folder": BYTES["a folder"],
  }],
  [".mtl-graph", { "removed": BYTES["removed"] }],
];

/** Epochs recorded in metrics.jsonl, read leniently (a damaged file may have none). */
async function epochs(run: string): Promise<Set<number>> {
  const text = await Deno.readTextFile(join(run, "metrics.jsonl")).catch(() => "");
  const out = new Set<number>();
  for (const line of text.split("\n")) {
    try {
      const e = JSON.parse(line)?.epoch;
      if (Number.isInteger(e)) out.add(e);
    } catch {
      // torn
    }
  }
  return out;
}

Deno.test("damaged runs: every command ends in success or one line, and no data is lost", async () => {
  await wasmBackend();
  const data = await fixtureData();
  const pristine = await trainedRun();
  const root = await Deno.makeTempDir({ prefix: "damaged-" });
  const cache = join(root, "cache");
  const image = join(data, "img_align_celeba", "000001.jpg");
  const tally = new Tally();
  const rng = new Rng(77);
  let n = 0;
  for (const [target, damages] of TARGETS) {
    for (const [how, damage] of Object.entries(damages)) {
      const run = join(root, "runs", "tiny_tmtl", `case-${n++}`);
      await copyDir(pristine, run);
      await damage(join(run, target)).catch(() => {});
      const what = `${target} ${how}`;
      const before = await fingerprint(run).catch(() => new Map<string, string>());
      const reads: [string, () => Promise<void>][] = [
        [
          "eval best",
          () => EVAL.run([run, "--data", data, "--split", "val", "--backend", "wasm", "--cache", cache]),
        ],
        [
          "eval last",
          () => EVAL.run([run, "--weights", "last", "--split", "val", "--backend", "wasm", "--cache", cache]),
        ],
        ["predict", () => PREDICT.run([run, image, "--backend", "wasm"])],
        ["init-from", () =>
          TRAIN.run([
            TINY_TMTL,
            ...["--init-from", run, "--data", data, "--runs", join(root, "warm"), "--cache", cache],
            ...["--backend", "wasm", "--stop-after-steps", "1", "--no-curves", "--batch-size", "8"],
          ])],
      ];
      // All reads on most damages; two at random on the rest, to keep the suite quick.
      const chosen = rng.chance(0.5) ? reads : [rng.pick(reads), rng.pick(reads)];
      for (const [command, body] of chosen) {
        tally.add(`${command} / ${what}`, await outcomeOf(body));
        const after = await fingerprint(run).catch(() => new Map<string, string>());
        const lost = lostFiles(before, after);
        if (lost.length || after.size !== before.size) {
          tally.dataLost.push(`${command} / ${what}: changed ${lost}`);
        }
      }
      const epochsBefore = await epochs(run);
      const resume = ["--resume", run, "--epochs", "3", "--stop-after-steps", "9", "--backend", "wasm"];
      const outcome = await outcomeOf(() => TRAIN.run([...resume, "--no-curves", "--cache", cache]));
      tally.add(`resume / ${what}`, outcome);
      const after = await fingerprint(run).catch(() => new Map<string, string>());
      // A resume may rewrite config.json (its record), metrics.jsonl (cut back to the checkpoint, then
      // recomputed; metrics.csv is made from it), checkpoints and best/ (training); anything else must keep
      // its bytes somewhere.
      const training = (p: string) =>
        p === "config.json" || p === "metrics.jsonl" || p === "metrics.csv" || p === "checkpoints/latest" ||
        p === ".lock" ||
        (outcome.kind === "ok" && (p.startsWith("checkpoints/step-") || p.startsWith("best/")));
      const lost = lostFiles(before, after, training);
      if (lost.length) tally.dataLost.push(`resume / ${what}: lost ${lost}`);
      if (outcome.kind === "ok") {
        if (!(await findCheckpoint(run)).dir) {
          tally.dataLost.push(`resume / ${what}: no intact checkpoint left`);
        }
        const now = await epochs(run);
        const dropped = [...epochsBefore].filter((e) => e < 3 && !now.has(e));
        if (dropped.length) tally.dataLost.push(`resume / ${what}: metrics of epochs ${dropped} lost`);
      }
    }
  }
  tally.report("damaged runs");
});

Deno.test("two processes resuming one run: the second is refused in one line; a killed holder's lock is taken over", async () => {
  await wasmBackend();
  const root = await Deno.makeTempDir({ prefix: "concurrent-" });
  const run = join(root, "tiny_tmtl", "shared");
  await copyDir(await trainedRun(), run);
  const cli = new URL("../../src/cli/train.ts", import.meta.url).pathname;
  const perms = ["--allow-read", "--allow-write", "--allow-env", "--allow-ffi", "--allow-sys"];
  const resume = (...extra: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        ...perms,
        cli,
        "--resume",
        run,
        "--backend",
        "wasm",
        "--no-curves",
        "--cache",
        join(root, "c"),
        ...extra,
      ],
      stdout: "piped",
      stderr: "piped",
    });
  // The first trains for a long while; the second starts once the first has said it is resuming.
  const first = resume("--epochs", "1000").spawn();
  const reader = first.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!/resuming /.test(seen)) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  const second = await resume("--epochs", "4").output();
  const err = new TextDecoder().decode(second.stderr).trim().split("\n").filter((l) =>
    !l.startsWith("backend:")
  );
  assert.equal(second.code, 1);
  assert.equal(err.length, 1, err.join("\n"));
  assert.match(
    err[0],
    new RegExp(`^error: .*shared: another process is training this run \\(pid ${first.pid} `),
  );

  first.kill("SIGKILL");
  await first.status;
  reader.releaseLock();
  await first.stdout.cancel().catch(() => {});
  await first.stderr.cancel();
  const third = await resume("--epochs", "4", "--stop-after-steps", "12").output();
  const out = new TextDecoder().decode(third.stdout);
  assert.equal(third.code, 0, new TextDecoder().decode(third.stderr));
  assert.match(out, new RegExp(`was left by pid ${first.pid} .*no longer running; taken over`));
  // metrics.jsonl is whole: every line a record, epochs in order.
  const records = await readMetrics(run);
  assert.deepEqual(records.map((r) => r.epoch), [...Array(records.length)].map((_, i) => i + 1));
  assert.ok((await findCheckpoint(run)).dir);
});
