"""Trains the exported graph with the paper's protocol, in one process or many (torchrun + DDP).

    torchrun --standalone --nproc_per_node 8 train.py --data /data/celeba --out runs/GRAPH/gpu8
    torchrun --nnodes 4 --nproc_per_node 8 --rdzv_backend c10d --rdzv_endpoint HOST:29500 train.py ...
    python train.py --data /data/celeba                    (one process, no torchrun)

The protocol is the Deno runtime's, with the graph's training section as defaults (TRAINING in
model.py): softmax cross-entropy per head times its weight λ, summed; Adam (β 0.9, 0.999, ε 1e-7);
the learning-rate steps; horizontal flips and shifts. --batch-size is the global batch: each of the
N processes takes batch/N and DistributedDataParallel averages their gradients. Batch-norm
statistics are per process, as with the runtime's micro-batches. GPUs use NCCL, CPUs gloo.

--out becomes a run directory the Deno runtime reads: config.json, metrics.jsonl (a line per epoch),
best/ (by mean validation accuracy) and last/, both tfjs model.json + weights.bin. So
`deno task eval OUT`, `tsne OUT`, `predict OUT ...` and `train ... --init-from OUT` work on it.
"""
import argparse
import datetime
import os
import re
import sys
import time

import torch
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, Subset

import model as exported
from mtl.data import DataError, open_dataset
from mtl.images import FaceImages
from mtl.loop import (ADAM, Pass, Processes, UsageError, append_metrics, check_finite, epoch_summary, lr_at,
                      parse_schedule, write_best_info, write_config)
from mtl.tfjs import WeightsError, load_tfjs_weights


def parse_args(argv):
    t = exported.TRAINING
    schedule = ",".join(f"{s['afterEpoch']}:{s['lr']}" for s in t["schedule"]) or "none"
    p = argparse.ArgumentParser(description=f"Train {exported.GRAPH} with the paper's protocol.")
    p.add_argument("--data", required=True, help="CelebA-layout folder or .yaml dataset spec")
    p.add_argument("--epochs", type=int, default=t["epochs"])
    p.add_argument("--input-size", type=int, default=exported.INPUT_SHAPE[0], help="square image side")
    p.add_argument("--out", help="run directory to create (default runs/GRAPH/DATE-TIME)")
    p.add_argument("--batch-size", type=int, default=t["batchSize"], help="global batch, all processes")
    p.add_argument("--lr", type=float, default=t["optimizer"]["lr"], help="Adam's learning rate at first")
    p.add_argument("--lr-schedule", default=schedule, help="EPOCH:LR,...: from EPOCH epochs done on, LR")
    p.add_argument("--no-flip", dest="flip", action="store_false", default=t["augment"]["flip"])
    p.add_argument("--shift", type=float, default=t["augment"]["shift"], help="largest shift (of the side)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workers", type=int, default=4, help="image-decoding processes per training process")
    p.add_argument("--init-from", help="tfjs model.json or Deno run to start from (weights by name)")
    p.add_argument("--skip-bad", action="store_true", help="skip bad label rows and missing images")
    p.add_argument("--cpu", action="store_true", help="use the CPU even where CUDA is available")
    p.add_argument("--log-every", type=int, default=50, help="a progress line every N steps")
    return p.parse_args(argv)


def train(args, procs: Processes) -> None:
    weighting = exported.TRAINING.get("lossWeighting", "fixed")
    if weighting != "fixed":
        raise UsageError(f"the graph's training.lossWeighting is {weighting!r}; train.py trains with fixed λ "
                         "only (train it with `deno task train`, or remove lossWeighting from the graph)")
    size = args.input_size
    if (size, size) != exported.INPUT_SHAPE[:2] and not exported.ANY_INPUT_SIZE:
        shape = "×".join(map(str, exported.INPUT_SHAPE[:2]))
        raise UsageError(f"--input-size {size}: this graph flattens before a dense layer, so its weights fit "
                         f"{shape} images only; export it again with --input-size {size}")
    schedule = parse_schedule(args.lr_schedule)
    heads = exported.HEADS  # name, attribute, classes and lossWeight (λ), as the runtime's config has them
    names = [h["name"] for h in heads]
    examples, notes = open_dataset(args.data, heads, args.skip_bad)
    train_set = FaceImages([e for e in examples if e.split == "train"], names, size, args.flip, args.shift)
    val_set = FaceImages([e for e in examples if e.split == "val"], names, size)
    out = args.out or os.path.join("runs", exported.GRAPH, time.strftime("%Y%m%d-%H%M%S", time.gmtime()))
    exists = procs.rank == 0 and os.path.exists(os.path.join(out, "config.json"))
    procs.agree(f"{out}: run directory exists already (choose another --out)" if exists else None)

    torch.manual_seed(args.seed)  # the same initial weights in every process
    net = exported.build_model().to(procs.device)
    warm = None
    if args.init_from:
        source = model_json_of(args.init_from)
        warm = load_tfjs_weights(net, source, exported.WEIGHT_NAMES, strict=False, heads=tuple(names))
    torch.manual_seed(args.seed + 1 + procs.rank)  # augmentation and dropout differ per process
    cuda = procs.device.type == "cuda"
    ddp = DistributedDataParallel(net, [procs.device] if cuda else None) if procs.distributed else net
    optimizer = torch.optim.Adam(net.parameters(), args.lr, (ADAM["beta1"], ADAM["beta2"]), ADAM["epsilon"])
    batch = max(1, args.batch_size // procs.world)
    sampler = DistributedSampler(train_set, procs.world, procs.rank, shuffle=True, seed=args.seed)
    loader = DataLoader(train_set, batch, sampler=sampler, num_workers=args.workers, pin_memory=cuda,
                        persistent_workers=args.workers > 0)
    val_part = Subset(val_set, range(procs.rank, len(val_set), procs.world))
    val_loader = DataLoader(val_part, batch, num_workers=args.workers)

    if procs.rank == 0:
        write_config(out, run_config(args, procs, schedule, batch, warm is not None))
        for line in notes + ([warm.summary()] if warm else []):
            print(line)
        print(f"{procs.describe()}: {len(train_set)} train, {len(val_set)} val images at {size}×{size}, "
              f"batch {batch * procs.world} ({batch} per process) -> {out}", flush=True)

    best, step = None, 0
    for epoch in range(1, args.epochs + 1):
        lr = lr_at(args.lr, schedule, epoch)
        for group in optimizer.param_groups:
            group["lr"] = lr
        sampler.set_epoch(epoch)
        started = time.time()
        fit = fit_epoch(ddp, optimizer, loader, procs, f"epoch {epoch}", args.log_every)
        seconds = time.time() - started
        step += len(loader)
        started = time.time()
        val = validate(net, val_loader, heads, procs)
        record = {
            "epoch": epoch,
            "step": step,
            "lr": lr,
            "loss": fit["loss"],
            "headLoss": fit["ce"],
            "trainAccuracy": fit["accuracy"],
            "valLoss": val["ce"],
            "valAccuracy": val["accuracy"],
            "meanValAccuracy": sum(val["accuracy"].values()) / len(heads),
            "imagesPerSecond": fit["count"] / max(seconds, 1e-9),
            "seconds": seconds,
            "valSeconds": time.time() - started,
            "lossWeights": {h["name"]: h["lossWeight"] for h in heads},
        }
        is_best = best is None or record["meanValAccuracy"] > best
        if procs.rank == 0:
            append_metrics(out, record)
            exported.save_weights(net, os.path.join(out, "last"), size)
            if is_best:
                exported.save_weights(net, os.path.join(out, "best"), size)
                write_best_info(out, record)
            print(epoch_summary(record, args.epochs, is_best), flush=True)
        best = record["meanValAccuracy"] if is_best else best
        procs.wait()  # the others wait while rank 0 writes


def run_config(args, procs: Processes, schedule: list, batch: int, warm: bool) -> dict:
    """The runtime's run config (src/train/config.ts), so that its commands read this run."""
    return {
        "graph": exported.GRAPH_FILE,
        "graphName": exported.GRAPH,
        "data": args.data,
        "skipBad": args.skip_bad,
        "inputSize": args.input_size,
        "epochs": args.epochs,
        "batchSize": batch * procs.world,
        "microBatch": batch,
        "optimizer": {"kind": "adam", "lr": args.lr, **ADAM},
        "schedule": schedule,
        "augment": {"flip": args.flip, "shift": args.shift},
        "heads": exported.HEADS,
        "seed": args.seed,
        "checkpointEvery": 0,
        "backend": procs.describe(),
        **({"initFrom": args.init_from} if warm else {}),
        "createdAt": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds"),
        "command": sys.argv,
    }


def fit_epoch(ddp, optimizer, loader, procs: Processes, label: str, log_every: int) -> dict:
    """One pass of optimizer steps over this process's share of the training images."""
    ddp.train()
    sums = Pass(exported.HEADS, procs)
    for i, (x, y) in enumerate(loader, start=1):
        loss = sums.loss(ddp(x.to(procs.device)), y.to(procs.device))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if i % log_every == 0:
            progress(sums.totals(), procs, label, i, len(loader))
    totals = sums.totals()
    check_finite(totals, f"in {label}")
    return totals


def validate(net, loader, heads, procs) -> dict:
    """Loss and accuracy per head on this process's share of the validation images, summed over all."""
    net.eval()
    sums = Pass(heads, procs)
    with torch.no_grad():
        for x, y in loader:
            sums.loss(net(x.to(procs.device)), y.to(procs.device))
    return sums.totals()


def progress(totals: dict, procs: Processes, label: str, step: int, steps: int) -> None:
    check_finite(totals, f"in {label} by step {step}")
    if procs.rank == 0:
        heads = "  ".join(f"{h} {100 * a:.1f}%" for h, a in totals["accuracy"].items())
        print(f"  {label} step {step}/{steps}  loss {totals['loss']:.4f}  {heads}", flush=True)


def model_json_of(path: str) -> str:
    """The tfjs model.json behind --init-from: the file, its folder, or a run's best/."""
    for candidate in (path, os.path.join(path, "model.json"), os.path.join(path, "best", "model.json")):
        if candidate.endswith(".json") and os.path.isfile(candidate):
            return candidate
    raise UsageError(f"--init-from {path}: no model.json there (expected a tfjs model.json, its folder "
                     "or a run)")


def one_line(e: Exception) -> str:
    """An error's message, also when a DataLoader worker wrapped it in its traceback."""
    last = str(e).strip().splitlines()[-1]
    return re.sub(r"^[\w.]*DataError: ", "", last)


def main(argv=None) -> None:
    args = parse_args(argv)
    procs = Processes(args.cpu)
    try:
        train(args, procs)
    except (DataError, WeightsError, UsageError, FloatingPointError) as e:
        if procs.rank == 0:
            print(f"error: {one_line(e)}", file=sys.stderr)
        sys.exit(1)
    finally:
        procs.close()


if __name__ == "__main__":
    main()
