"""CelebA's text layout (also LFWA converted to it): list_attr_celeba.txt (-1 -> class 0, 1 -> class 1)
and list_eval_partition.txt (0/1/2), read as the Deno runtime reads them."""
import os

from mtl.examples import (GENERATED_SPLIT_NOTE, SPLIT_NAMES, DataError, Example, FileLister, Problems,
                          check_splits, hash_split, read_text)

#: Attribute of a head that neither the graph nor the dataset spec names.
DEFAULT_ATTRIBUTES = {"smile": "Smiling", "gender": "Male", "eyeglasses": "Eyeglasses", "young": "Young",
                      "age": "Young"}


def head_attributes(requests: list, spec_heads: dict, where: str) -> list:
    """(head, attribute) pairs: the graph's attribute, else the spec's, else the default for the head
    name, else the head name itself. CelebA attributes are binary, so heads need two classes."""
    out = []
    for r in requests:
        name = r["name"]
        attribute = r.get("attribute") or spec_heads.get(name, {}).get("attribute") \
            or DEFAULT_ATTRIBUTES.get(name, name)
        if len(r["classes"]) != 2:
            raise DataError(f"{where}: head '{name}' has {len(r['classes'])} classes but attribute "
                            f"'{attribute}' is binary (-1/1)")
        out.append((name, attribute))
    return out


def open_celeba(layout: dict, requests: list, skip_bad: bool) -> tuple[list, list]:
    """Examples and notes of a CelebA-layout dataset. `layout`: images, attributes and partition
    (paths; partition None: generate a split), partition_required, and the spec's heads."""
    attributes, partition = layout["attributes"], layout["partition"]
    problems, notes = Problems(skip_bad), []
    text = read_text(attributes)
    if text is None:
        raise DataError(f"{attributes}: attribute file not found (a CelebA-layout dataset needs "
                        "list_attr_celeba.txt)")
    heads = head_attributes(requests, layout["heads"], attributes)
    lines = text.splitlines()
    first = lines[0].split() if lines else []
    if len(first) != 1 or not first[0].isdigit():
        found = lines[0].strip() if lines else ""
        raise DataError(f"{attributes}:1: expected the number of images, found '{found}'")
    names = lines[1].split() if len(lines) > 1 else []
    if not names:
        raise DataError(f"{attributes}:2: expected the attribute names, found an empty line")
    for head, attribute in heads:
        if attribute not in names:
            raise DataError(f"{attributes}:2: unknown attribute '{attribute}' for head '{head}'")
    columns = [(head, attribute, names.index(attribute) + 1) for head, attribute in heads]
    part_text = read_text(partition) if partition else None
    split_of = parse_partition(part_text, partition, problems) if part_text is not None else None
    if split_of is None and layout["partition_required"]:
        raise DataError(f"{partition}: partition file not found")
    if split_of is None:
        notes.append(f"no {partition or 'partition file'}: {GENERATED_SPLIT_NOTE}")

    lister, seen, examples, count = FileLister(), set(), [], 0
    for i, line in enumerate(lines[2:], start=3):
        f = line.split()
        if not f:
            continue
        count += 1
        where = f"{attributes}:{i}"
        if len(f) != len(names) + 1:
            problems.add(where, f"expected {len(names) + 1} fields (image and {len(names)} attributes), "
                                f"found {len(f)}")
            continue
        if f[0] in seen:
            problems.add(where, f"image {f[0]} is listed twice")
            continue
        seen.add(f[0])
        bad = next(((a, f[c]) for _, a, c in columns if f[c] not in ("1", "+1", "-1", "0")), None)
        if bad:
            problems.add(where, f"value '{bad[1]}' of {bad[0]} is not -1 or 1")
            continue
        split = hash_split(f[0]) if split_of is None else split_of.get(f[0])
        if split is None:
            problems.add(where, f"image {f[0]} is not listed in {partition}")
            continue
        file = os.path.join(layout["images"], f[0])
        if not lister.exists(file):
            problems.add(where, f"image {f[0]} not found in {layout['images']}")
            continue
        labels = {head: int(f[c] in ("1", "+1")) for head, _, c in columns}
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
