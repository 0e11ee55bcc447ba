"""The PyTorch side of `deno task bench --peer torch`: times training steps of a graph's PyTorch replica.

The replica is the graph's own `model.py`, written by `deno task export` into --model-dir: the same
layers, the same task-attention math (eq. 3-6), Keras' initialisation. A step is what the project's
trainStep does: forward in training mode, the λ-weighted cross-entropy of each head's softmax output
(smoothed by 1e-7 as the project's loss), backward, one Adam update (β 0.9/0.999, ε 1e-7, lr 1e-3).

Prints one JSON line: {"imagesPerSec", "msPerStep", "threads", "torch", "memoryFormat"}.
"""
import argparse
import importlib.util
import json
import os
import sys
import time

import torch


def load_model_module(model_dir: str):
    sys.path.insert(0, model_dir)  # model.py imports its helpers as `mtl.*`
    spec = importlib.util.spec_from_file_location("bench_model", os.path.join(model_dir, "model.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--model-dir", required=True)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--seconds", type=float, default=0, help="time steps until this long has passed (at least --steps)")
    p.add_argument("--channels-last", action="store_true", help="NHWC memory format (oneDNN's nhwc path)")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    m = load_model_module(a.model_dir)
    model = m.build_model()
    model.train()
    fmt = torch.channels_last if a.channels_last else torch.contiguous_format
    model = model.to(memory_format=fmt)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    weights = [h["lossWeight"] for h in m.HEADS]
    x = torch.rand(a.batch, 3, a.size, a.size).contiguous(memory_format=fmt)
    labels = [torch.arange(a.batch) % len(h["classes"]) for h in m.HEADS]

    def step() -> float:
        optimizer.zero_grad(set_to_none=True)
        outputs = model(x)
        outputs = outputs if isinstance(outputs, (tuple, list)) else (outputs,)
        loss = sum(
            w * torch.nn.functional.nll_loss(torch.log(p + 1e-7), y)
            for w, p, y in zip(weights, outputs, labels)
        )
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    t0 = time.perf_counter()
    n = 0
    while n < a.steps or time.perf_counter() - t0 < a.seconds:
        step()
        n += 1
    ms = (time.perf_counter() - t0) * 1000 / n
    print(json.dumps({
        "imagesPerSec": a.batch / (ms / 1000),
        "msPerStep": ms,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "memoryFormat": "channels_last" if a.channels_last else "contiguous",
    }))


if __name__ == "__main__":
    main()
