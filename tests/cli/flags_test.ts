/**
 * The flag registry: one table makes the parser (typed, checked values with defaults, did-you-mean for
 * unknown flags) and the help text (each default written once, in the table).
 */
import assert from "node:assert/strict";
import {
  BACKEND_FLAG_HELP,
  BACKEND_FLAGS,
  BACKEND_OPTION,
  backendRequestFromArgs,
} from "../../src/backend/names.ts";
import { isUserError } from "../../src/util/errors.ts";
import { type Flags, parseArgsOptions, parseFlags, renderFlagHelp } from "../../src/util/flags.ts";

const FLAGS = {
  epochs: { type: "int", arg: "N", help: "epochs to train" },
  cache: { type: "string", arg: "DIR", default: ".cache/data", help: "decoded-image cache" },
  lr: { type: "number", arg: "X", min: 0, max: 10, help: "learning rate" },
  split: { type: "string", arg: "NAME", choices: ["train", "val", "test"], default: "test", help: "split" },
  flip: { type: "boolean", negatable: true, help: "horizontal flips" },
  curves: { type: "boolean", negatable: true, default: true, help: "draw curves" },
  seed: { type: "int", arg: "N", min: 0, max: 9, default: 1, defaultText: "one", help: "seed" },
  json: { type: "boolean", short: "j", help: "print JSON" },
} as const satisfies Flags;

function fails(args: string[]): string {
  try {
    parseFlags(FLAGS, args, "deno task x [flags]");
  } catch (e) {
    assert.ok(isUserError(e), String(e));
    return e.message;
  }
  assert.fail(`${args.join(" ")} parsed`);
}

Deno.test("values come back typed and checked, with defaults filled in and what was given", () => {
  const r = parseFlags(
    FLAGS,
    ["g.ts", "--epochs", "3", "--lr=0.5", "--no-flip", "-j", "--split", "val"],
    "u",
  );
  assert.deepEqual(r.values, {
    epochs: 3,
    cache: ".cache/data",
    lr: 0.5,
    split: "val",
    flip: false,
    curves: true,
    seed: 1,
    json: true,
  });
  assert.deepEqual(r.positionals, ["g.ts"]);
  assert.deepEqual([...r.given], [
    ["epochs", "epochs"],
    ["lr", "lr"],
    ["split", "split"],
    ["flip", "no-flip"],
    [
      "json",
      "json",
    ],
  ]);
  const none = parseFlags(FLAGS, [], "u");
  assert.equal(none.values.epochs, undefined);
  assert.equal(none.values.flip, undefined);
  assert.equal(none.given.size, 0);
});

Deno.test("bad values and unknown flags are one line naming the flag, with a hint for a typo", () => {
  assert.equal(fails(["--epochs", "2.5"]), "--epochs: expected an integer in 1..1000000000, got '2.5'");
  assert.equal(fails(["--seed", "10"]), "--seed: expected an integer in 0..9, got '10'");
  assert.equal(fails(["--lr", "x"]), "--lr: expected a number in 0..10, got 'x'");
  assert.equal(fails(["--split", "tset"]), "--split: expected one of train, val, test, got 'tset'");
  assert.equal(fails(["--flip", "--no-flip"]), "--flip: give --flip or --no-flip, not both");
  assert.equal(
    fails(["--epoch", "3"]),
    "--epoch: unknown flag (did you mean --epochs?)\nusage: deno task x [flags]",
  );
  assert.equal(
    fails(["--no-curve"]),
    "--no-curve: unknown flag (did you mean --no-curves?)\nusage: deno task x [flags]",
  );
  assert.equal(fails(["--zzzzzz"]), "--zzzzzz: unknown flag\nusage: deno task x [flags]");
  assert.equal(fails(["--cache"]), "Option '--cache <value>' argument missing\nusage: deno task x [flags]");
});

Deno.test("the help text comes from the table: arguments, choices and defaults written once", () => {
  const help = renderFlagHelp(FLAGS).split("\n");
  assert.deepEqual(help, [
    "  --epochs N              epochs to train",
    "  --cache DIR             decoded-image cache (default .cache/data)",
    "  --lr X                  learning rate",
    "  --split NAME            split (one of train, val, test; default test)",
    "  --flip / --no-flip      horizontal flips",
    "  --curves / --no-curves  draw curves (default on)",
    "  --seed N                seed (default one)",
    "  -j, --json              print JSON",
  ]);
});

Deno.test("the backend flags are registry entries; their options and help are made from them", () => {
  assert.deepEqual(BACKEND_OPTION, {
    backend: { type: "string", default: "auto" },
    threads: { type: "string" },
  });
  assert.deepEqual(parseArgsOptions({ json: FLAGS.json }), { json: { type: "boolean", short: "j" } });
  assert.match(BACKEND_FLAG_HELP, /^ {2}--backend NAME {10}tfjs backend: auto, tensorflow-gpu, /);
  assert.match(
    BACKEND_FLAG_HELP,
    /\(default auto\)\n {2}--threads N {13}CPU threads for onednn \(default all cores\)$/,
  );
  const { values } = parseFlags(BACKEND_FLAGS, ["--backend", "wasm", "--threads", "2"], "u");
  assert.deepEqual(backendRequestFromArgs(values), { name: "wasm", threads: 2 });
  assert.deepEqual(backendRequestFromArgs(parseFlags(BACKEND_FLAGS, [], "u").values), { name: "auto" });
});
