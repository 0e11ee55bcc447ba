"""Runs exported models for tests/export/pytorch_test.ts.

usage: check_models.py JOBS.json   (a list of {dir, input, shape, output[, roundtrip]})

For each job: builds the model of DIR/model.py with DIR/weights/model.json, runs it in eval mode on
the NHWC float32 input file (as N×C×H×W), writes the softmax outputs of all heads, concatenated in
head order, as float32 to `output`, and with `roundtrip` saves the weights back in tfjs format there.
Also checks TaskAttention against a plain loop over DESIGN.md's equations. Prints one JSON object.
"""
import importlib.util
import itertools
import json
import math
import os
import sys

import numpy as np
import torch


def run_job(i: int, job: dict) -> dict:
    sys.path.insert(0, job["dir"])
    try:
        spec = importlib.util.spec_from_file_location(f"exported_{i}", os.path.join(job["dir"], "model.py"))
        exported = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(exported)
        model = exported.build_model(os.path.join(job["dir"], "weights", "model.json")).eval()
        x = np.fromfile(job["input"], dtype="<f4").reshape(job["shape"])
        with torch.no_grad():
            outputs = model(torch.from_numpy(x).permute(0, 3, 1, 2))
        np.concatenate([o.numpy().ravel() for o in outputs]).astype("<f4").tofile(job["output"])
        if "roundtrip" in job:
            exported.save_weights(model, job["roundtrip"])
        buffers = sorted({name.rsplit(".", 1)[1] for name, _ in model.named_buffers()})
        return {"params": exported.keras_param_count(model), "declared": exported.PARAMS, "buffers": buffers}
    finally:
        sys.path.pop(0)


def attention_reference_gap(attention_cls) -> float:
    """Largest difference between TaskAttention and a float64 loop over eq. 3-6, all variants (and
    the learned temperature beyond the paper: the tanh scores times exp(logBeta_i))."""
    torch.manual_seed(0)
    worst = 0.0
    variants = itertools.product(("module", "shared", "perPair"), (False, True), ("fixed", "learned"))
    for weights, bias, temperature in variants:
        layer = attention_cls(5, 3, weights=weights, bias=bias, temperature=temperature)
        with torch.no_grad():
            for p in layer.parameters():
                p.normal_()
            x, c = torch.randn(2, 5), torch.randn(2, 3)
            got = layer(x, c)

        def pick(w: torch.Tensor, i: int, j: int) -> float:
            return float(w[0] if weights == "shared" else w[i] if weights == "module" else w[i, j])

        for b, i in itertools.product(range(2), range(3)):
            row = 0 if weights == "shared" else i
            offset = float(layer.bias[row]) if bias else 0.0
            scale = math.exp(float(layer.logBeta[row])) if temperature == "learned" else 1.0
            pre = [pick(layer.wS, i, j) * float(x[b, j]) + pick(layer.wG, i, j) * float(c[b, i]) + offset
                   for j in range(5)]
            scores = [scale * math.tanh(v) for v in pre]
            e = [math.exp(s - max(scores)) for s in scores]
            want = sum(e[j] / sum(e) * float(x[b, j]) for j in range(5))
            worst = max(worst, abs(want - float(got[b, i])))
    return worst


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        jobs = json.load(f)
    results = [run_job(i, job) for i, job in enumerate(jobs)]
    from mtl.layers import TaskAttention  # importable now: the jobs' folders were on the path

    print(json.dumps({"models": results, "attentionGap": attention_reference_gap(TaskAttention)}))


if __name__ == "__main__":
    main()
