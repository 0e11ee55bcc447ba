"""Weights by name in TensorFlow.js' format (model.json + .bin files), in both directions.

The Deno runtime saves every model as tfjs `model.json` + `weights.bin`; reading that here needs no
package beyond torch. Names are the IR's (`smile/fc/kernel`); a model's table maps each to its
state_dict key and layout (see WEIGHT_NAMES in model.py):

    "hwio"  conv kernel: tfjs [height, width, in, out]  <->  torch [out, in, height, width]
    "io"    dense kernel: tfjs [in, out]                 <->  torch [out, in]
    "same"  vectors (biases, batch-norm, attention weights): copied as they are
"""
import copy
import json
import os
import shutil
from dataclasses import dataclass, field

import torch
from torch import nn

WeightTable = dict[str, tuple[str, str]]


class WeightsError(Exception):
    """Weights that do not fit the model, named by file and weight."""


#: Layout -> (tfjs to torch, torch to tfjs) axis permutations; "same" is copied as it is.
PERMUTATIONS = {"hwio": ((3, 2, 0, 1), (2, 3, 1, 0)), "io": ((1, 0), (1, 0))}


def to_torch(t: torch.Tensor, layout: str) -> torch.Tensor:
    """A tfjs-layout array in PyTorch's layout."""
    return t.permute(PERMUTATIONS[layout][0]) if layout in PERMUTATIONS else t


def to_tfjs(t: torch.Tensor, layout: str) -> torch.Tensor:
    """A PyTorch tensor in tfjs' layout (the inverse of to_torch)."""
    return t.permute(PERMUTATIONS[layout][1]) if layout in PERMUTATIONS else t


def read_tfjs_weights(model_json: str) -> dict[str, torch.Tensor]:
    """Every weight a tfjs model.json lists, by name, in tfjs' layout (float32 only)."""
    try:
        with open(model_json, encoding="utf-8") as f:
            manifest = json.load(f)["weightsManifest"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise WeightsError(f"{model_json}: not a tfjs model.json with a weightsManifest ({e})") from e
    folder = os.path.dirname(os.path.abspath(model_json))
    weights: dict[str, torch.Tensor] = {}
    for group in manifest:
        data = bytearray()
        for path in group["paths"]:
            try:
                with open(os.path.join(folder, path), "rb") as f:
                    data += f.read()
            except OSError as e:
                raise WeightsError(f"{model_json}: weight file {path} listed in it: {e.strerror}") from e
        offset = 0
        for spec in group["weights"]:
            name = spec["name"].removesuffix(":0")  # some converters keep TensorFlow's suffix
            if spec.get("dtype", "float32") != "float32" or spec.get("quantization"):
                raise WeightsError(f"{model_json}: {name}: only unquantized float32 weights are read")
            count = 1
            for d in spec["shape"]:
                count *= d
            if offset + 4 * count > len(data):
                raise WeightsError(f"{model_json}: weight data ends inside {name}")
            flat = torch.frombuffer(data, dtype=torch.float32, count=count, offset=offset)
            weights[name] = flat.reshape(spec["shape"]).clone()
            offset += 4 * count
    return weights


@dataclass
class LoadReport:
    """What a load by name did."""

    source: str
    matched: list[str] = field(default_factory=list)
    #: Of `matched`, those filled from the unprefixed name (`smile/conv5_block3_1_conv/kernel` from
    #: `conv5_block3_1_conv/kernel`).
    from_unprefixed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        unprefixed = f" ({len(self.from_unprefixed)} from unprefixed names)" if self.from_unprefixed else ""
        return (
            f"weights from {self.source}: {len(self.matched)} matched{unprefixed}, "
            f"{len(self.missing)} new, {len(self.skipped)} skipped (shape mismatch)"
        )


def load_tfjs_weights(
    model: nn.Module, model_json: str, table: WeightTable, strict: bool = True, heads: tuple = ()
) -> LoadReport:
    """Copies weights from a tfjs model.json into `model` by name, converting layouts.

    strict: every weight of the table must be there with its shape (else WeightsError).
    Not strict (a warm start, as the Deno runtime's --init-from): weights that match by name and
    shape are copied, a head's copy of a block falls back to the unprefixed name, the rest keep
    their values.
    """
    source = read_tfjs_weights(model_json)
    state = model.state_dict()
    report = LoadReport(model_json)
    with torch.no_grad():
        for name, (key, layout) in table.items():
            found = name
            if name not in source and not strict and name.split("/", 1)[0] in heads:
                found = name.split("/", 1)[1]
            if found not in source:
                report.missing.append(name)
                continue
            value = to_torch(source[found], layout)
            if value.shape != state[key].shape:
                report.skipped.append(f"{name}: model {list(state[key].shape)}, file {list(value.shape)}")
                continue
            state[key].copy_(value)
            report.matched.append(name)
            if found != name:
                report.from_unprefixed.append(name)
    if strict and (report.missing or report.skipped):
        first = (report.missing or report.skipped)[0]
        raise WeightsError(
            f"{model_json}: {len(report.missing)} weights missing, {len(report.skipped)} of another "
            f"shape (first: {first})"
        )
    return report


def with_input_size(topology: dict, size: int) -> dict:
    """A tfjs topology whose input layer takes size x size images (the graph's layers need no
    other change: only a flatten before a dense layer depends on the size, and model.py says so)."""
    topology = copy.deepcopy(topology)
    for layer in topology["config"]["layers"]:
        if layer["class_name"] == "InputLayer":
            shape = layer["config"]["batch_input_shape"]
            layer["config"]["batch_input_shape"] = [shape[0], size, size, shape[3]]
    return topology


def save_tfjs_model(model: nn.Module, out_dir: str, table: WeightTable, topology: dict) -> None:
    """Writes `out_dir/model.json` + `weights.bin` as the Deno runtime saves models, replacing
    `out_dir` whole (written beside it, then renamed: never half-written)."""
    state = model.state_dict()
    specs, chunks = [], []
    for name, (key, layout) in table.items():
        t = to_tfjs(state[key].detach().to("cpu", torch.float32), layout).contiguous()
        specs.append({"name": name, "shape": list(t.shape), "dtype": "float32"})
        chunks.append(t.numpy().astype("<f4").tobytes())
    model_json = {
        "modelTopology": topology,
        "format": "layers-model",
        "generatedBy": f"PyTorch {torch.__version__} (exported model.py)",
        "convertedBy": None,
        "weightsManifest": [{"paths": ["weights.bin"], "weights": specs}],
    }
    tmp = f"{out_dir}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    with open(os.path.join(tmp, "weights.bin"), "wb") as f:
        for chunk in chunks:
            f.write(chunk)
    with open(os.path.join(tmp, "model.json"), "w", encoding="utf-8") as f:
        json.dump(model_json, f)
    replace_dir(tmp, out_dir)


def replace_dir(tmp: str, target: str) -> None:
    """Moves the finished folder `tmp` to `target`, replacing what was there."""
    old = f"{target}.old-{os.getpid()}"
    if os.path.exists(target):
        os.rename(target, old)
    os.rename(tmp, target)
    shutil.rmtree(old, ignore_errors=True)
