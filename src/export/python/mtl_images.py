"""Images as the Deno runtime feeds them to a model: decoded, cropped to the face box, resized to
size x size (Lanczos-3, stretched: sharp's fit "fill"), bytes scaled to [0, 1] by the same
byte -> float table, and in training flipped left-right and shifted with edges replicated.

Part of a PyTorch export written by `deno task export`; train.py imports it.
"""
import math

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset

from mtl_data import DataError, Example

#: byte -> float32 in [0, 1], computed as the Deno runtime computes it (i / 255 in double, then float32).
TO_UNIT = torch.arange(256, dtype=torch.float64).div(255).float()


def js_round(v: float) -> int:
    """Math.round of JavaScript (halves round up), which the Deno runtime uses for boxes and shifts."""
    return math.floor(v + 0.5)


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
    return np.asarray(img.resize((size, size), Image.LANCZOS), dtype=np.uint8)


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
