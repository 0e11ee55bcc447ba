"""What every dataset format shares: examples, problems, splits and file look-ups, with the Deno
runtime's rules and messages (`file:line: ...`)."""
import os
from dataclasses import dataclass

SPLITS = ("train", "val", "test")
GENERATED_SPLIT_NOTE = "made a deterministic 80/10/10 train/val/test split from a hash of each image id"
#: Split values in files (list_eval_partition.txt's 0/1/2, a CSV's split column), case-insensitive.
SPLIT_NAMES = {
    "0": "train", "1": "val", "2": "test", "train": "train", "training": "train", "val": "val",
    "valid": "val", "validation": "val", "dev": "val", "test": "test", "testing": "test",
}


class DataError(Exception):
    """A mistake in a dataset; the message starts with the place (`file:line`)."""


@dataclass
class Example:
    id: str
    file: str
    #: Face box [x, y, width, height] in source pixels; None when the whole image is the face.
    box: tuple | None
    #: Head name -> class index.
    labels: dict
    split: str
    #: Where the example was declared (`file:line`), for messages about its image.
    where: str


class Problems:
    """Bad rows and missing images: fatal (one message naming the first) unless skip_bad."""

    def __init__(self, skip_bad: bool):
        self.skip_bad, self.items = skip_bad, []

    def add(self, where: str, detail: str) -> None:
        self.items.append((where, detail))

    def check(self) -> None:
        if self.skip_bad or not self.items:
            return
        where, detail = self.items[0]
        n = len(self.items) - 1
        more = f" (and {n} more problem{'s' if n > 1 else ''})" if n else ""
        raise DataError(f"{where}: {detail}{more}; fix the data or pass --skip-bad to skip bad entries")


def hash_split(image_id: str) -> str:
    """80/10/10 by an FNV-1a hash of the id (UTF-16 code units), as the runtime splits a dataset
    that has no partition."""
    h = 0x811C9DC5
    units = image_id.encode("utf-16-le")
    for k in range(0, len(units), 2):
        h = ((h ^ (units[k] | units[k + 1] << 8)) * 0x01000193) & 0xFFFFFFFF
    bucket = h % 10
    return "train" if bucket < 8 else "val" if bucket == 8 else "test"


def read_text(path: str) -> str | None:
    """A text file without its BOM, or None when it does not exist."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            return f.read()
    except FileNotFoundError:
        return None


class FileLister:
    """Answers "does this image exist?" by listing each folder once."""

    def __init__(self):
        self.dirs: dict[str, set] = {}

    def exists(self, path: str) -> bool:
        folder, name = os.path.split(path)
        if folder not in self.dirs:
            try:
                self.dirs[folder] = {e.name for e in os.scandir(folder) if not e.is_dir()}
            except (FileNotFoundError, NotADirectoryError):
                self.dirs[folder] = set()
        return name in self.dirs[folder]


def check_splits(examples: list, file: str) -> None:
    """Training needs a train and a val split."""
    counts = {s: sum(1 for e in examples if e.split == s) for s in SPLITS}
    for s in SPLITS[:2]:
        if counts[s] == 0:
            usable = ", ".join(f"{k} {v}" for k, v in counts.items())
            raise DataError(f"{file}: the {s} split is empty ({usable} usable images)")
