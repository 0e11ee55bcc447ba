"""The pieces of train.py's loop: the processes (torchrun or alone), the loss, the learning-rate
steps, one pass over the data, and the run directory the Deno runtime reads back.
"""
import json
import math
import os

import torch
import torch.distributed as dist

#: Adam's constants as the Deno runtime fixes them (Keras' defaults).
ADAM = {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-7}
#: The runtime's cross-entropy on softmax outputs, -log(p + ε) + log(1 + ε): p = 1 costs exactly 0.
LOG_EPSILON = 1e-7
LOG_ONE = math.log(torch.tensor(1 + LOG_EPSILON, dtype=torch.float32).item())


class UsageError(Exception):
    """A flag or path that cannot work; the message names it."""


class Processes:
    """This process's place among torchrun's processes (or alone, without torchrun): rank, world
    size, device (cuda:LOCAL_RANK with NCCL, else the CPU with gloo) and the collectives used."""

    def __init__(self, force_cpu: bool):
        self.distributed = "RANK" in os.environ
        self.rank = int(os.environ.get("RANK", 0))
        self.world = int(os.environ.get("WORLD_SIZE", 1))
        cuda = torch.cuda.is_available() and not force_cpu
        self.device = torch.device(f"cuda:{os.environ.get('LOCAL_RANK', 0)}" if cuda else "cpu")
        if cuda:
            torch.cuda.set_device(self.device)
        self.backend = "nccl" if cuda else "gloo"
        if self.distributed:
            dist.init_process_group(self.backend)

    def describe(self) -> str:
        kind = torch.cuda.get_device_name(self.device) if self.device.type == "cuda" else "cpu"
        how = f"DDP {self.world}× {self.backend}" if self.distributed else "1 process"
        return f"pytorch {torch.__version__} ({how}, {kind})"

    def sum(self, t: torch.Tensor) -> torch.Tensor:
        """`t` summed over all processes."""
        if self.distributed:
            dist.all_reduce(t)
        return t

    def agree(self, problem: str | None) -> None:
        """Raises rank 0's problem (if any) on every process, so that none waits for the others."""
        if self.distributed:
            box = [problem]
            dist.broadcast_object_list(box, src=0)
            problem = box[0]
        if problem:
            raise UsageError(problem)

    def wait(self) -> None:
        """Returns once every process got here."""
        if self.distributed:
            dist.barrier()

    def close(self) -> None:
        if self.distributed:
            dist.destroy_process_group()


def parse_schedule(text: str) -> list:
    """`25:1e-4,40:1e-5` (from EPOCH epochs completed on, use LR) as the runtime's schedule list."""
    if text.strip() in ("", "none"):
        return []
    steps = []
    for part in text.split(","):
        epoch, _, lr = part.partition(":")
        try:
            steps.append({"afterEpoch": int(epoch), "lr": float(lr)})
        except ValueError:
            raise UsageError(f"--lr-schedule: expected EPOCH:LR[,EPOCH:LR...] (e.g. 25:1e-4), got '{part}'")
    return sorted(steps, key=lambda s: s["afterEpoch"])


def lr_at(base: float, schedule: list, epoch: int) -> float:
    """The rate of 1-based epoch `epoch`: that of the last step with afterEpoch < epoch."""
    return next((s["lr"] for s in reversed(schedule) if s["afterEpoch"] < epoch), base)


def cross_entropy(probs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Per-example cross-entropy of softmax outputs [B, C] against class indices [B]."""
    p = probs.gather(1, labels.unsqueeze(1)).squeeze(1)
    return -(torch.log(p + LOG_EPSILON) - LOG_ONE)


class Pass:
    """Sums of one pass over a split, over all processes: λ-weighted loss, cross-entropy and correct
    answers per head, and the number of images."""

    def __init__(self, heads: list, procs: Processes):
        self.heads, self.procs = heads, procs
        self.weights = torch.tensor([h["lossWeight"] for h in heads], device=procs.device)
        self.sums = torch.zeros(2 * len(heads) + 2, dtype=torch.float64, device=procs.device)

    def loss(self, outputs, labels: torch.Tensor) -> torch.Tensor:
        """Σ_h λ_h · mean cross-entropy of head h, the value to differentiate; adds to the sums."""
        ce = torch.stack([cross_entropy(p, labels[:, i]) for i, p in enumerate(outputs)])  # [H, B]
        total = (self.weights * ce.mean(dim=1)).sum()
        correct = torch.stack([(p.argmax(1) == labels[:, i]).sum() for i, p in enumerate(outputs)])
        parts = [(total * len(labels)).reshape(1), ce.sum(dim=1), correct, torch.ones(1) * len(labels)]
        self.sums += torch.cat([p.detach().to(self.sums) for p in parts])
        return total

    def totals(self) -> dict:
        """Means over all processes' images (a collective: every process calls it)."""
        s = self.procs.sum(self.sums.clone()).tolist()
        n, h = s[-1], len(self.heads)

        def per_head(offset: int) -> dict:
            return {x["name"]: s[offset + i] / n for i, x in enumerate(self.heads)}

        return {"loss": s[0] / n, "ce": per_head(1), "accuracy": per_head(1 + h), "count": n}


def check_finite(totals: dict, where: str) -> None:
    if not math.isfinite(totals["loss"]):
        raise FloatingPointError(
            f"loss became NaN/infinite {where}; stopped (best/ and last/ keep the last good epoch; "
            "lower --lr and start again)"
        )


def write_config(out: str, config: dict) -> None:
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
        f.write("\n")


def append_metrics(out: str, record: dict) -> None:
    """Appends the epoch's record to metrics.jsonl and rewrites metrics.csv from all of them."""
    path = os.path.join(out, "metrics.jsonl")
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    tmp = os.path.join(out, f"metrics.csv.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(metrics_csv(records))
    os.replace(tmp, os.path.join(out, "metrics.csv"))


def metrics_csv(records: list) -> str:
    """One flat row per epoch, with the columns of the Deno runtime's metrics.csv (src/run/metrics.ts)."""
    heads = list(dict.fromkeys(h for r in records for h in r["headLoss"]))
    columns = [("epoch", ("epoch",)), ("step", ("step",)), ("lr", ("lr",)), ("loss", ("loss",))]
    for h in heads:
        columns += [(f"{h}_loss", ("headLoss", h)), (f"{h}_accuracy", ("trainAccuracy", h))]
    for h in heads:
        columns += [(f"val_{h}_loss", ("valLoss", h)), (f"val_{h}_accuracy", ("valAccuracy", h))]
    columns.append(("val_mean_accuracy", ("meanValAccuracy",)))
    columns += [(f"{h}_loss_weight", ("lossWeights", h)) for h in heads]
    columns += [("images_per_second", ("imagesPerSecond",)), ("seconds", ("seconds",)),
                ("val_seconds", ("valSeconds",))]

    def value(r: dict, path: tuple) -> str:
        for key in path:
            r = r.get(key) if isinstance(r, dict) else None
        return "" if r is None else json.dumps(r)

    lines = [",".join(name for name, _ in columns)]
    lines += [",".join(value(r, path) for _, path in columns) for r in records]
    return "\n".join(lines) + "\n"


def write_best_info(out: str, record: dict) -> None:
    info = {"epoch": record["epoch"], "step": record["step"], "meanValAccuracy": record["meanValAccuracy"],
            "valAccuracy": record["valAccuracy"]}
    with open(os.path.join(out, "best", "best.json"), "w", encoding="utf-8") as f:
        json.dump(info, f, indent=2)
        f.write("\n")


def epoch_summary(r: dict, epochs: int, is_best: bool) -> str:
    """The one line an epoch leaves in the log, as the Deno runtime prints it."""
    heads = "  ".join(
        f"{h} {r['headLoss'][h]:.3f}/{100 * r['trainAccuracy'][h]:.1f}% val {100 * r['valAccuracy'][h]:.1f}%"
        for h in r["headLoss"]
    )
    return (
        f"epoch {r['epoch']}/{epochs}  loss {r['loss']:.4f}  {heads}  "
        f"mean val {100 * r['meanValAccuracy']:.2f}%{' (best)' if is_best else ''}  lr {r['lr']:g}  "
        f"{r['imagesPerSecond']:.1f} img/s  {r['seconds']:.1f} s"
    )
