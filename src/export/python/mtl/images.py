"""Images as the Deno runtime feeds them to a model: decoded, cropped to the face box, resized to
size x size as sharp (libvips) resizes them, bytes scaled to [0, 1] by the same byte -> float table,
and in training flipped left-right and shifted with edges replicated.

"""
import functools
import math

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset

from mtl.examples import DataError, Example

#: byte -> float32 in [0, 1], computed as the Deno runtime computes it (i / 255 in double, then float32).
TO_UNIT = torch.arange(256, dtype=torch.float64).div(255).float()


def js_round(v: float) -> int:
    """Math.round of JavaScript (halves round up), which the Deno runtime uses for boxes and shifts."""
    return math.floor(v + 0.5)


def lanczos3(d: np.ndarray) -> np.ndarray:
    return np.where(np.abs(d) < 3, np.sinc(d) * np.sinc(d / 3), 0.0)


def catmull_rom(d: np.ndarray) -> np.ndarray:
    d = np.abs(d)
    near = 1.5 * d**3 - 2.5 * d**2 + 1
    far = -0.5 * d**3 + 2.5 * d**2 - 4 * d + 2
    return np.where(d < 1, near, np.where(d < 2, far, 0.0))


@functools.lru_cache(maxsize=64)
def taps(n_in: int, n_out: int, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Source indices and weights [n_out, taps] of one axis, edges replicated. "box": libvips'
    integer shrink by n_in // n_out; "reduce": Lanczos-3 widened by the factor, pixel centres
    aligned; "upsize": sharp's enlargement, bicubic at x / scale - 0.5 (applied too, as a half-pixel
    shift, to an axis that keeps its size while the other one grows)."""
    scale = n_out / n_in
    if kind == "box":
        k = n_in // n_out
        return np.arange(n_out * k).reshape(n_out, k), np.full((n_out, k), 1 / k)
    width, kernel = (1 / scale, lanczos3) if kind == "reduce" else (1.0, catmull_rom)
    out = np.arange(n_out)
    centre = (out + 0.5) / scale - 0.5 if kind == "reduce" else out / scale - 0.5
    reach = math.ceil(3 * width) + 1
    index = np.floor(centre)[:, None].astype(int) + np.arange(-reach, reach + 1)
    weights = kernel((index - centre[:, None]) / width)
    return np.clip(index, 0, n_in - 1), weights / weights.sum(axis=1, keepdims=True)


def to_bytes(x: np.ndarray) -> np.ndarray:
    return np.clip(np.floor(x + 0.5), 0, 255)


def resample(img: np.ndarray, rows: tuple | None, cols: tuple | None, round_between: bool) -> np.ndarray:
    """Resamples rows, then columns. libvips shrinks and reduces one axis at a time on bytes
    (rounding in between) but enlarges both at once."""
    x = np.einsum("otwc,ot->owc", img[rows[0]], rows[1]) if rows is not None else img
    if round_between:
        x = to_bytes(x)
    if cols is not None:
        x = np.einsum("hotc,ot->hoc", x[:, cols[0]], cols[1])
    return to_bytes(x)


def resize_like_sharp(img: np.ndarray, size: int) -> np.ndarray:
    """sharp's resize(size, size, fit "fill", kernel lanczos3), within a grey level or two: an
    integer box shrink where an axis shrinks 4× or more (leaving at least 2× to the kernel), Lanczos-3
    on shrinking axes, then bicubic where an axis grows."""
    x = img.astype(np.float64)
    h, w = x.shape[:2]
    kh, kw = max(1, h // size // 2) if size < h else 1, max(1, w // size // 2) if size < w else 1
    if kh > 1 or kw > 1:
        rows, cols = taps(h, h // kh, "box") if kh > 1 else None, taps(w, w // kw, "box") if kw > 1 else None
        x = resample(x, rows, cols, True)
    sh, sw = x.shape[:2]
    if size < sh or size < sw:
        rows = taps(sh, size, "reduce") if size < sh else None
        cols = taps(sw, size, "reduce") if size < sw else None
        x = resample(x, rows, cols, True)
    if size > h or size > w:
        x = resample(x, taps(x.shape[0], size, "upsize"), taps(x.shape[1], size, "upsize"), False)
    return x.astype(np.uint8)


def decode_image(file: str, box: tuple | None, size: int, where: str) -> np.ndarray:
    """size x size x 3 uint8 RGB of one image, cropped to `box` ([x, y, w, h], clamped) first."""
    try:
        with Image.open(file) as opened:
            img = opened.convert("RGB")
    except OSError as e:
        raise DataError(f"{where}: cannot decode image {file}: {e}") from e
    if box is not None:
        w, h = img.size
        x0, y0 = max(0, js_round(box[0])), max(0, js_round(box[1]))
        x1, y1 = min(w, js_round(box[0] + box[2])), min(h, js_round(box[1] + box[3]))
        if x1 - x0 < 1 or y1 - y0 < 1:
            shown = ", ".join(f"{v:g}" for v in box)
            raise DataError(f"{where}: box [{shown}] lies outside image {file} ({w}×{h})")
        img = img.crop((x0, y0, x1, y1))
    return resize_like_sharp(np.asarray(img), size)


def shift_and_flip(img: np.ndarray, flip: bool, dx: int, dy: int) -> np.ndarray:
    """out(y, x) = img(clamp(y - dy), mirror(clamp(x - dx))): the Deno runtime's augmentation."""
    height, width = img.shape[:2]
    cols = np.clip(np.arange(width) - dx, 0, width - 1)
    if flip:
        cols = width - 1 - cols
    rows = np.clip(np.arange(height) - dy, 0, height - 1)
    return img[rows][:, cols]


class FaceImages(Dataset):
    """Examples of one split as (3 x size x size float image, [H] class indices in head order).

    With flip, each image is mirrored with probability 1/2; with shift > 0, moved by a whole number
    of pixels in [-s, s] in x and y, s = round(shift * size). Draws come from torch's generator, which
    DataLoader seeds per worker.
    """

    def __init__(self, examples: list[Example], heads: list[str], size: int, flip=False, shift=0.0):
        self.examples, self.heads, self.size = examples, heads, size
        self.flip, self.shift_px = flip, js_round(shift * size)

    def __len__(self) -> int:
        return len(self.examples)

    def __getitem__(self, i: int):
        e = self.examples[i]
        img = decode_image(e.file, e.box, self.size, e.where)
        if self.flip or self.shift_px:
            flip = self.flip and torch.rand(()).item() < 0.5
            s = self.shift_px
            dx, dy = (torch.randint(-s, s + 1, (2,)).tolist() if s else (0, 0))
            img = shift_and_flip(img, flip, dx, dy)
        x = TO_UNIT[torch.from_numpy(np.ascontiguousarray(img)).long()].permute(2, 0, 1)
        return x, torch.tensor([e.labels[h] for h in self.heads])
