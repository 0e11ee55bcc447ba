/**
 * CLI flag fuzz: every command, called in-process through its `run(args)` (as `deno task <name>`
 * does), on inputs made from a cheap valid command line by one to three random mutations — a flag set
 * to a hostile value (control characters, huge, object keys, out-of-range numbers, paths), an unknown
 * or mangled flag, a flag given twice or without its value, positionals removed, added or replaced.
 * Each must end in success or a one-line error, never a stack trace; the trained run the commands
 * read is unchanged afterwards. Commands whose success is expensive (experiment, demo, benchmarks,
 * installers) get one invalid input in each case except a few cheap valid ones.
 *
 * Outputs go to a temporary sandbox, which is also the working directory, so a relative hostile path
 * written to stays inside it.
 */
import { join } from "node:path";
import { BENCH } from "../../src/cli/bench.ts";
import type { Command } from "../../src/cli/command.ts";
import { COMPILE } from "../../src/cli/compile.ts";
import { DEMO } from "../../src/cli/demo.ts";
import { EVAL } from "../../src/cli/eval.ts";
import { EXPERIMENT } from "../../src/cli/experiment.ts";
import { PREDICT } from "../../src/cli/predict.ts";
import { SETUP_GPU } from "../../src/cli/setup_gpu.ts";
import { SETUP_NATIVE } from "../../src/cli/setup_native.ts";
import { SYNTH } from "../../src/cli/synth.ts";
import { TRAIN } from "../../src/cli/train.ts";
import { TSNE } from "../../src/cli/tsne.ts";
import { Rng } from "../../src/util/rng.ts";
import { fixtureData, trainedRun, trainedRunCopy, wasmBackend } from "../train/helpers.ts";
import { fingerprint, flagValue, HOSTILE_STRINGS, lostFiles, outcomeOf, Tally, unknownFlag } from "./fuzz.ts";

const FIXTURES = new URL("../train/fixtures/", import.meta.url).pathname;

/** How one command is fuzzed. */
interface Plan {
  command: Pick<Command, "name" | "flags" | "run">;
  cases: number;
  /** A cheap valid command line: positionals, then flags. */
  positionals: string[];
  flags: Record<string, string | true>;
  /** Cheap values that should work, per flag. */
  valid?: Record<string, readonly string[]>;
  /** Flags that name where things are written: only sandbox paths or relative hostile values. */
  outputs?: readonly string[];
  /** Flags never mutated (they keep a case cheap, e.g. --stop-after-steps). */
  fixed?: readonly string[];
  /** Each case gets at least one surely invalid input, except `validCases` of them. */
  mustFail?: { validCases: number; invalid: (rng: Rng) => string[] };
}

function commandLine(flags: Map<string, string | true>, positionals: string[]): string[] {
  const out = [...positionals];
  for (const [name, v] of flags) out.push(...(v === true ? [`--${name}`] : [`--${name}`, v]));
  return out;
}

/** One mutated command line of plan `p`. */
function mutate(rng: Rng, p: Plan, sandbox: string): string[] {
  const flags = new Map(Object.entries(p.flags));
  let positionals = [...p.positionals];
  const extra: string[] = [];
  const names = Object.keys(p.command.flags).filter((n) => !p.fixed?.includes(n));
  const steps = 1 + rng.int(3);
  for (let i = 0; i < steps; i++) {
    if (!names.length) {
      extra.push(unknownFlag(rng, p.command.flags));
      continue;
    }
    const name = rng.pick(names);
    const flag = p.command.flags[name];
    switch (rng.int(7)) {
      case 0:
      case 1:
      case 2: { // a flag set to a hostile, out-of-range or valid value
        if (flag.type === "boolean") {
          const forms = [true, `--no-${name}`, `--${name}=${rng.pick(["yes", "", "0", "true"])}`];
          const form = rng.pick(forms);
          if (form === true) flags.set(name, true);
          else {
            flags.delete(name);
            extra.push(form as string);
          }
          break;
        }
        let value = flagValue(rng, flag, p.valid?.[name]);
        if (p.outputs?.includes(name) && (value.startsWith("/") || value === "")) {
          value = join(sandbox, `out-${rng.int(1e6)}`);
        }
        if (rng.chance(0.2)) {
          flags.delete(name);
          extra.push(`--${name}=${value}`);
        } else flags.set(name, value);
        break;
      }
      case 3:
        extra.push(unknownFlag(rng, p.command.flags));
        break;
      case 4: // given twice, or without its value at the end
        if (rng.chance(0.5)) extra.push(`--${name}`, flagValue(rng, flag, p.valid?.[name]));
        else extra.push(`--${name}`);
        break;
      case 5: // positionals replaced, added or removed
        if (positionals.length && rng.chance(0.4)) {
          positionals = positionals.slice(0, rng.int(positionals.length));
        } else if (positionals.length && rng.chance(0.5)) {
          positionals[rng.int(positionals.length)] = rng.pick([...HOSTILE_STRINGS, FIXTURES, "/etc/passwd"]);
        } else positionals.push(rng.pick(HOSTILE_STRINGS));
        break;
      default: // a short flag, or `--` ending the flags
        extra.push(rng.pick(["-h", "-x", "--", "-1"]));
    }
  }
  const args = [...commandLine(flags, positionals), ...extra];
  // `-h` and `--help` print the help: a success that says nothing about the rest.
  return args;
}

async function fuzz(p: Plan, seed: number, sandbox: string, tally: Tally): Promise<void> {
  const rng = new Rng(seed);
  for (let i = 0; i < p.cases; i++) {
    let args = mutate(rng, p, sandbox);
    if (p.mustFail && i >= p.mustFail.validCases) args = [...args, ...p.mustFail.invalid(rng)];
    else if (p.mustFail) args = commandLine(new Map(Object.entries(p.flags)), p.positionals);
    const shown = `${p.command.name} ${
      args.map((a) => JSON.stringify(a.length > 60 ? a.slice(0, 60) + "…" : a)).join(" ")
    }`;
    tally.add(shown, await outcomeOf(() => p.command.run(args)));
  }
}

Deno.test("flag fuzz: every command ends in success or one line, never a stack trace", async () => {
  await wasmBackend();
  const data = await fixtureData();
  const pristine = await trainedRun();
  const before = await fingerprint(pristine);
  const resumable = await trainedRunCopy();
  const tsneRun = await trainedRunCopy();
  const root = await Deno.makeTempDir({ prefix: "hostile-" });
  const sandbox = join(root, "a", "b", "c", "d", "e");
  await Deno.mkdir(sandbox, { recursive: true });
  const cwd = Deno.cwd();
  Deno.chdir(sandbox);
  const image = join(data, "img_align_celeba", "000001.jpg");
  const tiny = join(FIXTURES, "tiny_tmtl.ts"), tinyAttention = join(FIXTURES, "tiny_attention_mtl.ts");
  const cache = join(root, "cache");
  const runs = join(root, "runs");
  const backendValid = { backend: ["wasm", "cpu", "tensorflow", "tensorflow-gpu"], threads: ["1", "2"] };
  const unknown = (rng: Rng) => [rng.pick(["--no-such-flag", "--__proto__", "--constructor", "--a\nb"]), "x"];
  const plans: Plan[] = [
    {
      command: COMPILE,
      cases: 1000,
      positionals: [tiny],
      flags: { out: join(root, "compiled") },
      valid: { "input-size": ["16", "24", "32"] },
      outputs: ["out"],
    },
    {
      command: TRAIN,
      cases: 800,
      positionals: [tiny],
      flags: {
        data,
        runs,
        cache,
        backend: "wasm",
        epochs: "1",
        "batch-size": "8",
        "micro-batch": "8",
        "input-size": "16",
        "stop-after-steps": "1",
        "no-curves": true,
      },
      valid: {
        ...backendValid,
        data: [data],
        resume: [resumable],
        "init-from": [pristine, join(pristine, "best", "model.json")],
        epochs: ["1", "2", "5"],
        "batch-size": ["4", "8", "16"],
        "micro-batch": ["2", "8"],
        "input-size": ["8", "16", "24"],
        lr: ["1e-4", "0.01", "10"],
        "lr-schedule": ["1:1e-4", "none", "0:1e-3,2:1e-4"],
        "loss-weight": ["smile=1,gender=0.5", "gender=0"],
        "checkpoint-every": ["0", "1", "2"],
        "run-id": ["ok-1", "a.b_c"],
        "max-grad-norm": ["0", "1", "1e4"],
        "max-weight": ["0", "1", "1e6"],
      },
      outputs: ["runs", "cache"],
      fixed: ["stop-after-steps"],
    },
    {
      command: EVAL,
      cases: 600,
      positionals: [pristine],
      flags: { data, cache, backend: "wasm", split: "val" },
      valid: {
        ...backendValid,
        split: ["val", "test", "train"],
        weights: ["best", "last"],
        "batch-size": ["1", "7"],
      },
      outputs: ["cache"],
    },
    {
      command: PREDICT,
      cases: 600,
      positionals: [pristine, image],
      flags: { backend: "wasm" },
      valid: { ...backendValid, box: ["0,0,10,10", "1,1,1,1", "0,0,9999,9999"], weights: ["best", "last"] },
    },
    {
      command: TSNE,
      cases: 150,
      positionals: [tsneRun],
      flags: { data, cache, backend: "wasm", "per-group": "2", out: join(root, "tsne", "t") },
      valid: { ...backendValid, "per-group": ["1", "2"], perplexity: ["2", "5"], split: ["val", "test"] },
      outputs: ["out", "cache"],
      fixed: ["per-group"],
    },
    {
      command: EXPERIMENT,
      cases: 300,
      positionals: [tiny, tinyAttention],
      flags: {
        data,
        runs,
        cache,
        out: join(root, "experiment"),
        backend: "wasm",
        seeds: "1",
        "epochs-a": "1",
        "epochs-b": "1",
        "input-size": "16",
        "micro-batch": "16",
      },
      valid: { seeds: ["1", "2,5"], "lr-schedule-a": ["1:1e-4"], "input-size": ["16"] },
      outputs: ["runs", "cache", "out"],
      mustFail: {
        validCases: 1,
        invalid: (rng) =>
          rng.pick([
            unknown(rng),
            ["--data", join(root, "no-such-data")],
            ["--seeds", rng.pick(["0", "101", "1,1", "x", "-1"])],
            ["--epochs-a", rng.pick(["0", "1.5", "", "1e999"])],
            [join(root, "missing-graph.ts")],
          ]),
      },
    },
    {
      command: DEMO,
      cases: 150,
      positionals: [],
      flags: { data, runs, cache, out: join(root, "demo"), backend: "wasm", quick: true, "input-size": "16" },
      outputs: ["runs", "cache", "out"],
      fixed: ["data", "quick"],
      mustFail: { validCases: 0, invalid: (rng) => rng.pick([unknown(rng), ["--epochs-a", "0"], ["extra"]]) },
    },
    {
      command: SYNTH,
      cases: 250,
      positionals: [],
      flags: { out: join(root, "synth"), count: "10", size: "16" },
      valid: { count: ["10", "12"], size: ["16", "20"], seed: ["1", "-5"] },
      outputs: ["out", "sheet"],
      fixed: ["count", "size"],
    },
    {
      command: SETUP_GPU,
      cases: 100,
      positionals: [],
      flags: { check: true },
      fixed: ["check"],
      mustFail: { validCases: 1, invalid: unknown },
    },
    {
      command: SETUP_NATIVE,
      cases: 100,
      positionals: [],
      flags: { check: true },
      fixed: ["check"],
      mustFail: { validCases: 1, invalid: unknown },
    },
    {
      command: BENCH,
      cases: 100,
      positionals: [],
      flags: {},
      mustFail: { validCases: 0, invalid: unknown },
    },
  ];
  const tally = new Tally();
  try {
    for (const [i, plan] of plans.entries()) await fuzz(plan, 1000 + i, sandbox, tally);
  } finally {
    Deno.chdir(cwd);
  }
  tally.dataLost.push(...lostFiles(before, await fingerprint(pristine)));
  tally.report("flag fuzz");
});
