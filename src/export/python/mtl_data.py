"""Datasets as the Deno runtime reads them: CelebA-layout folders and YAML dataset specs
(`format: celeba`, `format: bbox-csv`), with the same head-to-attribute rules, label values,
splits and error messages (`file:line: ...`).

torchvision's CelebA class is not used: it checks the md5 of every official CelebA file and so
refuses samples and CelebA-layout folders such as the project's synthetic set.

Part of a PyTorch export written by `deno task export`; train.py imports it.
"""
import csv
import io
import os
from dataclasses import dataclass

import yaml

SPLITS = ("train", "val", "test")
IMAGE_FOLDERS = ("img_align_celeba", "images", "img")
GENERATED_SPLIT_NOTE = "made a deterministic 80/10/10 train/val/test split from a hash of each image id"
SPLIT_NAMES = {
    "0": "train", "1": "val", "2": "test", "train": "train", "training": "train", "val": "val",
    "valid": "val", "validation": "val", "dev": "val", "test": "test", "testing": "test",
}
#: Attribute and classes of a head that neither the graph nor the dataset spec names.
DEFAULT_ATTRIBUTES = {
    "smile": ("Smiling", ["not_smiling", "smiling"]),
    "gender": ("Male", ["female", "male"]),
    "eyeglasses": ("Eyeglasses", ["no_eyeglasses", "eyeglasses"]),
    "young": ("Young", ["old", "young"]),
    "age": ("Young", ["old", "young"]),
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
    """80/10/10 by an FNV-1a hash of the id (UTF-16 code units), as the Deno runtime splits."""
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


def open_dataset(path: str, heads: list, skip_bad: bool = False) -> tuple[list, list]:
    """Examples and notes of a CelebA-layout folder or a .yaml dataset spec, for the graph's heads
    (dicts with name, classes and optionally attribute)."""
    if path.lower().endswith((".yaml", ".yml")):
        spec = load_spec(path)
        spec_dir = os.path.dirname(os.path.abspath(path))
        if spec["format"] == "bbox-csv":
            return open_bbox_csv(spec, path, spec_dir, heads, skip_bad)
        root = os.path.join(spec_dir, spec.get("root", "."))
        images = os.path.join(root, spec.get("images", "img_align_celeba"))
        if not os.path.isdir(images):
            raise DataError(f"{path}: images: folder not found: {images}")
        partition = spec.get("partition", "list_eval_partition.txt")
        spec_heads = {h: ({"attribute": v} if isinstance(v, str) else v) for h, v in spec.get("heads", {}).items()}
        return open_celeba(
            root, images, os.path.join(root, spec.get("attributes", "list_attr_celeba.txt")),
            None if partition is None else os.path.join(root, partition), "partition" in spec and partition is not None,
            spec_heads, heads, skip_bad,
        )
    if not os.path.isdir(path):
        raise DataError(f"{path}: not a dataset: expected a CelebA-layout folder or a .yaml dataset spec")
    folder = next((f for f in IMAGE_FOLDERS if os.path.isdir(os.path.join(path, f))), None)
    if folder is None:
        raise DataError(f"{path}: no image folder ({'/, '.join(IMAGE_FOLDERS)}/); use a .yaml spec to name another")
    return open_celeba(
        path, os.path.join(path, folder), os.path.join(path, "list_attr_celeba.txt"),
        os.path.join(path, "list_eval_partition.txt"), False, {}, heads, skip_bad,
    )


def load_spec(path: str) -> dict:
    """A YAML dataset spec, with the checks train.py relies on (the Deno runtime checks it fully)."""
    try:
        with open(path, encoding="utf-8") as f:
            spec = yaml.safe_load(f)
    except FileNotFoundError as e:
        raise DataError(f"{path}: dataset spec not found") from e
    except yaml.YAMLError as e:
        raise DataError(f"{path}: invalid YAML: {str(e).splitlines()[0]}") from e
    if not isinstance(spec, dict) or spec.get("format") not in ("celeba", "bbox-csv"):
        raise DataError(f"{path}: format: must be 'celeba' or 'bbox-csv'")
    if spec["format"] == "bbox-csv":
        for key in ("csv", "columns"):
            if key not in spec:
                raise DataError(f"{path}: {key}: required")
        if "image" not in spec["columns"]:
            raise DataError(f"{path}: columns.image: required")
    return spec


def resolve_binary_heads(requests: list, spec_heads: dict, where: str) -> list:
    """(head, attribute, classes) of a binary-attribute dataset: the graph's attribute, else the
    spec's, else the default for the head name, else the head name itself."""
    out = []
    for r in requests:
        from_spec = spec_heads.get(r["name"], {})
        attribute = r.get("attribute") or from_spec.get("attribute") or DEFAULT_ATTRIBUTES.get(r["name"], (r["name"],))[0]
        classes = r["classes"]
        if len(classes) != 2:
            raise DataError(
                f"{where}: head '{r['name']}' has {len(classes)} classes but attribute '{attribute}' is binary (-1/1)"
            )
        out.append((r["name"], attribute))
    return out


def open_celeba(root, images, attributes, partition, partition_required, spec_heads, requests, skip_bad):
    """Reads list_attr_celeba.txt (-1 -> class 0, 1 -> class 1) and list_eval_partition.txt (0/1/2)."""
    problems, notes = Problems(skip_bad), []
    text = read_text(attributes)
    if text is None:
        raise DataError(f"{attributes}: attribute file not found (a CelebA-layout dataset needs list_attr_celeba.txt)")
    heads = resolve_binary_heads(requests, spec_heads, attributes)
    lines = text.splitlines()
    first = lines[0].split() if lines else []
    if len(first) != 1 or not first[0].isdigit():
        raise DataError(f"{attributes}:1: expected the number of images, found '{lines[0].strip() if lines else ''}'")
    names = lines[1].split() if len(lines) > 1 else []
    if not names:
        raise DataError(f"{attributes}:2: expected the attribute names, found an empty line")
    columns = []
    for head, attribute in heads:
        if attribute not in names:
            raise DataError(f"{attributes}:2: unknown attribute '{attribute}' for head '{head}'")
        columns.append((head, attribute, names.index(attribute) + 1))
    split_of = None
    part_text = read_text(partition) if partition else None
    if part_text is not None:
        split_of = parse_partition(part_text, partition, problems)
    elif partition_required:
        raise DataError(f"{partition}: partition file not found")
    else:
        notes.append(f"no {partition or 'partition file'}: {GENERATED_SPLIT_NOTE}")
    lister, seen, examples, count = FileLister(), set(), [], 0
    for i, line in enumerate(lines[2:], start=3):
        f = line.split()
        if not f:
            continue
        count += 1
        where = f"{attributes}:{i}"
        if len(f) != len(names) + 1:
            problems.add(where, f"expected {len(names) + 1} fields (image and {len(names)} attributes), found {len(f)}")
            continue
        if f[0] in seen:
            problems.add(where, f"image {f[0]} is listed twice")
            continue
        seen.add(f[0])
        labels = {}
        for head, attribute, col in columns:
            if f[col] not in ("1", "+1", "-1", "0"):
                problems.add(where, f"value '{f[col]}' of {attribute} is not -1 or 1")
                break
            labels[head] = 1 if f[col] in ("1", "+1") else 0
        if len(labels) < len(columns):
            continue
        split = hash_split(f[0]) if split_of is None else split_of.get(f[0])
        if split is None:
            problems.add(where, f"image {f[0]} is not listed in {partition}")
            continue
        file = os.path.join(images, f[0])
        if not lister.exists(file):
            problems.add(where, f"image {f[0]} not found in {images}")
            continue
        examples.append(Example(f[0], file, None, labels, split, where))
    if count != int(first[0]):
        problems.add(f"{attributes}:1", f"says {first[0]} images but {count} rows follow")
    problems.check()
    check_splits(examples, partition if split_of is not None else attributes)
    return examples, notes


def parse_partition(text: str, file: str, problems: Problems) -> dict:
    """Image id -> split from rows `image 0|1|2`."""
    splits = {}
    for i, line in enumerate(text.splitlines(), start=1):
        f = line.split()
        if not f:
            continue
        if len(f) != 2:
            problems.add(f"{file}:{i}", f"expected 2 fields (image and 0/1/2), found {len(f)}")
        elif f[1].lower() not in SPLIT_NAMES:
            problems.add(f"{file}:{i}", f"split '{f[1]}' is not 0 (train), 1 (val) or 2 (test)")
        else:
            splits[f[0]] = SPLIT_NAMES[f[1].lower()]
    return splits


def open_bbox_csv(spec, spec_file, spec_dir, requests, skip_bad):
    """A FotW-style CSV: image path, face box, one label column per head, optional split."""
    csv_file = os.path.join(spec_dir, spec["csv"])
    text = read_text(csv_file)
    if text is None:
        raise DataError(f"{csv_file}: CSV file not found (named by csv in {spec_file})")
    images = os.path.join(spec_dir, spec["images"]) if "images" in spec else os.path.dirname(csv_file)
    rows = csv_records(text, spec.get("delimiter", ","))
    if not rows:
        raise DataError(f"{csv_file}: empty CSV (expected a header line)")
    header_line, header = rows[0]

    def column(name: str, field: str) -> int:
        if name not in header:
            raise DataError(f"{csv_file}:{header_line}: no column '{name}' ({field} in {spec_file}); columns: {', '.join(header)}")
        return header.index(name)

    cols = spec["columns"]
    image_col = column(cols["image"], "columns.image")
    box = cols.get("box")
    box_cols = [column(box[k], f"columns.box.{k}") for k in ("x", "y", "width", "height")] if box else None
    split_col = column(cols["split"], "columns.split") if "split" in cols else None
    custom_splits = spec.get("splits") or {}
    heads = [plan_csv_head(r, spec.get("heads") or {}, spec_file, column) for r in requests]
    problems, lister, examples, seen = Problems(skip_bad), FileLister(), [], {}
    notes = [] if split_col is not None else [f"no split column in {spec_file}: {GENERATED_SPLIT_NOTE}"]
    for line, f in rows[1:]:
        where = f"{csv_file}:{line}"
        if len(f) != len(header):
            problems.add(where, f"expected {len(header)} fields (as in the header), found {len(f)}")
            continue
        path = f[image_col]
        labels = {head: lookup.get(f[col]) for head, col, lookup in heads}
        bad = next((h for h in heads if labels[h[0]] is None), None)
        if not path:
            problems.add(where, f"empty image path in column '{cols['image']}'")
            continue
        if bad:
            problems.add(where, f"value '{f[bad[1]]}' of column '{header[bad[1]]}' maps to no class of head '{bad[0]}'")
            continue
        rect = None
        if box_cols:
            try:
                rect = tuple(float(f[c]) for c in box_cols)
            except ValueError:
                rect = None
            if rect is None or rect[2] <= 0 or rect[3] <= 0:
                problems.add(where, f"bad box ({', '.join(f[c] for c in box_cols)}): need numbers with width, height > 0")
                continue
        if split_col is not None:
            value = f[split_col]
            split = custom_splits.get(value) or SPLIT_NAMES.get(value.lower())
            if split is None:
                problems.add(where, f"split '{value}' is not train/val/test (or 0/1/2; see splits in the spec)")
                continue
        else:
            split = hash_split(path)
        file = path if os.path.isabs(path) else os.path.join(images, path)
        if not lister.exists(file):
            problems.add(where, f"image {path} not found in {images}")
            continue
        seen[path] = seen.get(path, 0) + 1
        image_id = path if seen[path] == 1 else f"{path}#{seen[path]}"
        examples.append(Example(image_id, file, rect, labels, split, where))
    problems.check()
    check_splits(examples, csv_file)
    return examples, notes


def csv_records(text: str, delimiter: str) -> list:
    """(line, fields) of each non-blank CSV record (quoted fields may span lines), fields trimmed."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, line = [], 1
    for row in reader:
        if row and row != [""]:
            records.append((line, [v.strip() for v in row]))
        line = reader.line_num + 1
    return records


def plan_csv_head(request, spec_heads, spec_file, column):
    """(head, column index, value -> class index) of one head of a bbox-csv dataset."""
    name, classes = request["name"], request["classes"]
    sh = spec_heads.get(name)
    attribute = request.get("attribute") or (sh or {}).get("column") or name
    lookup = {}
    if sh and sh.get("values"):
        for value, class_name in sh["values"].items():
            if class_name not in classes:
                raise DataError(
                    f"{spec_file}: heads.{name}: values.{value}: class '{class_name}' is not one of {', '.join(classes)}"
                )
            lookup[str(value)] = classes.index(class_name)
    else:
        for k, class_name in enumerate(classes):
            lookup[class_name] = lookup[str(k)] = k
    return name, column(attribute, f"heads.{name}.column" if sh else f"head '{name}'"), lookup


def check_splits(examples: list, file: str) -> None:
    """Training needs a train and a val split."""
    counts = {s: sum(1 for e in examples if e.split == s) for s in SPLITS}
    for s in SPLITS[:2]:
        if counts[s] == 0:
            usable = ", ".join(f"{k} {v}" for k, v in counts.items())
            raise DataError(f"{file}: the {s} split is empty ({usable} usable images)")
