"""Datasets as the Deno runtime opens them: a CelebA-layout folder, or a YAML dataset spec
(`format: celeba` with its own paths and attribute names, or `format: bbox-csv`).

torchvision's CelebA class is not used: it checks the md5 of every official CelebA file and so
refuses samples and CelebA-layout folders such as the project's synthetic set.
"""
import os

import yaml

from mtl.bbox import open_bbox_csv
from mtl.celeba import open_celeba
from mtl.examples import DataError

#: Image folders tried, in order, in a CelebA-layout folder given without a spec.
IMAGE_FOLDERS = ("img_align_celeba", "images", "img")


def open_dataset(path: str, heads: list, skip_bad: bool = False) -> tuple[list, list]:
    """Examples and notes of a dataset, for the graph's heads (dicts with name, classes and
    optionally attribute, as HEADS in model.py)."""
    if path.lower().endswith((".yaml", ".yml")):
        spec = load_spec(path)
        spec_dir = os.path.dirname(os.path.abspath(path))
        if spec["format"] == "bbox-csv":
            return open_bbox_csv(spec, path, spec_dir, heads, skip_bad)
        root = os.path.join(spec_dir, spec.get("root", "."))
        partition = spec.get("partition", "list_eval_partition.txt")
        heads_of_spec = spec.get("heads") or {}
        spec_heads = {h: v if isinstance(v, dict) else {"attribute": v} for h, v in heads_of_spec.items()}
        layout = {
            "images": os.path.join(root, spec.get("images", "img_align_celeba")),
            "attributes": os.path.join(root, spec.get("attributes", "list_attr_celeba.txt")),
            "partition": None if partition is None else os.path.join(root, partition),
            "partition_required": partition is not None and "partition" in spec,
            "heads": spec_heads,
        }
        if not os.path.isdir(layout["images"]):
            raise DataError(f"{path}: images: folder not found: {layout['images']}")
        return open_celeba(layout, heads, skip_bad)
    if not os.path.isdir(path):
        raise DataError(f"{path}: not a dataset: expected a CelebA-layout folder or a .yaml dataset spec")
    folder = next((f for f in IMAGE_FOLDERS if os.path.isdir(os.path.join(path, f))), None)
    if folder is None:
        tried = "/, ".join(IMAGE_FOLDERS)
        raise DataError(f"{path}: no image folder ({tried}/); use a .yaml spec to name another")
    layout = {
        "images": os.path.join(path, folder),
        "attributes": os.path.join(path, "list_attr_celeba.txt"),
        "partition": os.path.join(path, "list_eval_partition.txt"),
        "partition_required": False,
        "heads": {},
    }
    return open_celeba(layout, heads, skip_bad)


def load_spec(path: str) -> dict:
    """A YAML dataset spec, with the checks reading it needs (`deno task train` checks it fully)."""
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
        if "csv" not in spec:
            raise DataError(f"{path}: csv: required")
        if "image" not in (spec.get("columns") or {}):
            raise DataError(f"{path}: columns.image: required")
    return spec
