"""Layers that exported graphs use beyond torch.nn: the task-attention edge, TensorFlow's "same"
padding, and Keras' initial weights.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn


class TaskAttention(nn.Module):
    """The paper's task-attention edge (eq. 3-6), all K' attention modules at once.

    For a head S that depends on head G, with x = FC_S(X) of shape [B, K] and the context
    c of shape [B, K'] (G's FC output, or G's attended vector with context "attended"):

        score[b, i, j] = tanh(wS_i * x[b, j] + wG_i * c[b, i] (+ bias_i))   i < K', j < K
        p[b, i, :]     = softmax_j(score[b, i, :])
        out[b, i]      = sum_j p[b, i, j] * x[b, j]                          -> [B, K']

    `weights` picks the parameter form: "module" (the paper's: wS, wG of shape [K']), "shared"
    (one pair for all modules: shape [1]) or "perPair" (shape [K', K], wS_ij and wG_ij).
    `bias` adds bias_i inside the tanh (shape [1] when shared, else [K']).
    `temperature="learned"` (beyond the paper) scales each module's tanh scores by a learned
    inverse temperature exp(logBeta_i) before the softmax (logBeta: [1] when shared, else [K'], 0 at
    the start, which is the paper's form).
    """

    def __init__(
        self,
        units: int,
        context_units: int,
        weights: str = "module",
        bias: bool = False,
        temperature: str = "fixed",
    ):
        super().__init__()
        shapes = {"module": (context_units,), "shared": (1,), "perPair": (context_units, units)}
        if weights not in shapes:
            raise ValueError(f"weights must be one of {', '.join(shapes)}, got {weights!r}")
        self.units, self.context_units, self.weights = units, context_units, weights
        self.wS = nn.Parameter(torch.empty(shapes[weights]))
        self.wG = nn.Parameter(torch.empty(shapes[weights]))
        bias_shape = (1,) if weights == "shared" else (context_units,)
        self.bias = nn.Parameter(torch.zeros(bias_shape)) if bias else None
        if temperature not in ("fixed", "learned"):
            raise ValueError(f"temperature must be fixed or learned, got {temperature!r}")
        learned = temperature == "learned"
        self.logBeta = nn.Parameter(torch.zeros(bias_shape)) if learned else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """he_normal as tfjs draws it for these shapes (fan-in sqrt(n) for 1-D), bias zero."""
        for w in (self.wS, self.wG):
            fan_in = w.shape[0] if w.dim() == 2 else math.sqrt(w.numel())
            truncated_normal_(w, math.sqrt(2.0 / fan_in))
        for p in (self.bias, self.logBeta):
            if p is not None:
                nn.init.zeros_(p)

    def forward(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        if self.weights == "perPair":
            w_s, w_g = self.wS.unsqueeze(0), self.wG.unsqueeze(0)  # [1, K', K]
        else:
            w_s, w_g = self.wS.view(1, -1, 1), self.wG.view(1, -1, 1)  # [1, K' or 1, 1]
        pre = w_s * x.unsqueeze(1) + w_g * context.unsqueeze(2)  # [B, K', K]
        if self.bias is not None:
            pre = pre + self.bias.view(1, -1, 1)
        scores = torch.tanh(pre)
        if self.logBeta is not None:
            scores = scores * torch.exp(self.logBeta).view(1, -1, 1)
        p = torch.softmax(scores, dim=2)
        return torch.bmm(p, x.unsqueeze(2)).squeeze(2)

    def extra_repr(self) -> str:
        bias = ", bias=True" if self.bias is not None else ""
        temperature = ", temperature='learned'" if self.logBeta is not None else ""
        return f"{self.units}, {self.context_units}, weights={self.weights!r}{bias}{temperature}"


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow's "same" padding of one dimension as (before, after): the odd pixel goes after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def pad_same(x: torch.Tensor, kernel: tuple[int, int], stride: tuple[int, int], value: float = 0.0):
    """Pads an NCHW tensor as TensorFlow's "same" does (asymmetric where the sizes need it)."""
    top, bottom = same_padding(x.shape[2], kernel[0], stride[0])
    left, right = same_padding(x.shape[3], kernel[1], stride[1])
    if top == bottom == left == right == 0:
        return x
    return F.pad(x, (left, right, top, bottom), value=value)


class Conv2dSame(nn.Conv2d):
    """A convolution with TensorFlow's "same" padding where PyTorch's symmetric padding differs
    (stride > 1 or an even kernel): TF pads the right and bottom more, so the pad is explicit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, padding=0, **kwargs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(pad_same(x, self.kernel_size, self.stride))


def max_pool2d_same(x: torch.Tensor, pool: tuple[int, int], stride: tuple[int, int]) -> torch.Tensor:
    """Max pooling with TensorFlow's "same" padding (padded cells never win)."""
    return F.max_pool2d(pad_same(x, pool, stride, value=-math.inf), pool, stride)


def flatten_channels_last(x: torch.Tensor) -> torch.Tensor:
    """Flattens N x C x H x W in Keras' order (H, W, C), so dense kernels from tfjs fit unchanged."""
    return torch.flatten(x.permute(0, 2, 3, 1), 1) if x.dim() == 4 else x


def truncated_normal_(w: torch.Tensor, std: float) -> None:
    """Normal(0, std) redrawn outside two standard deviations, as tfjs' truncatedNormal."""
    nn.init.trunc_normal_(w, 0.0, std, -2 * std, 2 * std)


def keras_init_(module: nn.Module, kind: str = "he_normal") -> None:
    """Gives a conv or dense layer Keras' initial values (PyTorch's defaults differ): kernels
    he_normal or glorot_uniform with Keras' fans, biases zero. Other modules are left alone."""
    if not isinstance(module, (nn.Conv2d, nn.Linear)):
        return
    w = module.weight
    receptive = w[0, 0].numel()
    fan_in, fan_out = w.shape[1] * receptive, w.shape[0] * receptive
    if kind == "he_normal":
        truncated_normal_(w, math.sqrt(2.0 / fan_in))
    elif kind == "glorot_uniform":
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        nn.init.uniform_(w, -limit, limit)
    else:
        raise ValueError(f"unknown initializer {kind!r}")
    if module.bias is not None:
        nn.init.zeros_(module.bias)
