/**
 * `--peer torch`: the same graph trained by PyTorch on the same cores, in the same bench run. The
 * replica is the graph's PyTorch code as `deno task export` writes it (the same layers and attention
 * math, Keras' initialisation); bench/peer/torch_step.py times the same step as the trainer's: the
 * λ-weighted cross-entropy of the softmax outputs, backward, one Adam update, at the same batch and
 * thread count. PyTorch runs in NCHW (its default, and its faster path on CPUs in 1.13).
 *
 * @module
 */
import { join } from "node:path";
import { exportPytorch } from "../../src/export/mod.ts";

/** What the PyTorch side measured. */
export interface PeerResult {
  imagesPerSec: number;
  msPerStep: number;
  threads: number;
  torch: string;
  memoryFormat: string;
}

const STEP_SCRIPT = new URL("./torch_step.py", import.meta.url).pathname;

/** The Python with PyTorch: $PYTHON, Debian's /usr/bin/python3, or python3 on the PATH. */
async function python(): Promise<string | undefined> {
  for (const exe of [Deno.env.get("PYTHON"), "/usr/bin/python3", "python3"]) {
    if (!exe) continue;
    try {
      const { code } = await new Deno.Command(exe, {
        args: ["-c", "import torch"],
        stdout: "null",
        stderr: "null",
      })
        .output();
      if (code === 0) return exe;
    } catch {
      // not there: try the next
    }
  }
  return undefined;
}

/** Why the peer cannot run here, or undefined. */
export async function torchMissing(): Promise<string | undefined> {
  return (await python())
    ? undefined
    : "no Python with PyTorch (Debian: apt-get install python3-torch; or set PYTHON)";
}

/** Times `steps` PyTorch training steps of `graph` at `size`×`size`, batch `batch`, on `threads` threads. */
export async function runTorchPeer(o: {
  graph: string;
  size: number;
  batch: number;
  threads: number;
  steps: number;
  /** Keep timing steps until this many seconds have passed (at least `steps`). */
  seconds?: number;
  warmup: number;
}): Promise<PeerResult> {
  const exe = await python();
  if (!exe) throw new Error(await torchMissing());
  const dir = await Deno.makeTempDir({ prefix: "bench-torch-" });
  try {
    const out = join(dir, "model");
    await exportPytorch({ graph: o.graph, out, inputSize: o.size });
    const args = [
      STEP_SCRIPT,
      "--model-dir",
      out,
      ...[
        "--batch",
        o.batch,
        "--size",
        o.size,
        "--threads",
        o.threads,
        "--steps",
        o.steps,
        "--warmup",
        o.warmup,
      ]
        .map(String),
    ];
    const { code, stdout, stderr } = await new Deno.Command(exe, { args, stdout: "piped", stderr: "piped" })
      .output();
    const text = new TextDecoder().decode(stdout).trim().split("\n").at(-1) ?? "";
    if (code !== 0) {
      throw new Error(`PyTorch peer failed: ${new TextDecoder().decode(stderr).trim().split("\n").at(-1)}`);
    }
    return JSON.parse(text) as PeerResult;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
