"""FotW-style bounding-box CSVs (`format: bbox-csv` specs): image path, face box, one label column per
head, optional split; read as the Deno runtime reads them. Several faces of one image get ids
`path`, `path#2`, ..."""
import csv
import io
import math
import os

from mtl.examples import (GENERATED_SPLIT_NOTE, SPLIT_NAMES, DataError, Example, FileLister, Problems,
                          check_splits, hash_split, read_text)


def csv_records(text: str, delimiter: str) -> list:
    """(line, fields) of each non-blank CSV record (quoted fields may span lines), fields trimmed."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records, line = [], 1
    for row in reader:
        if row and row != [""]:
            records.append((line, [v.strip() for v in row]))
        line = reader.line_num + 1
    return records


def open_bbox_csv(spec: dict, spec_file: str, spec_dir: str, requests: list, skip_bad: bool):
    """Examples and notes of the CSV a `format: bbox-csv` spec describes."""
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
            raise DataError(f"{csv_file}:{header_line}: no column '{name}' ({field} in {spec_file}); "
                            f"columns: {', '.join(header)}")
        return header.index(name)

    cols = spec["columns"]
    image_col = column(cols["image"], "columns.image")
    box = cols.get("box")
    box_cols = [column(box[k], f"columns.box.{k}") for k in ("x", "y", "width", "height")] if box else None
    split_col = column(cols["split"], "columns.split") if "split" in cols else None
    custom_splits = spec.get("splits") or {}
    heads = [head_lookup(r, spec.get("heads") or {}, spec_file, column) for r in requests]
    problems, lister, examples, seen = Problems(skip_bad), FileLister(), [], {}
    notes = [] if split_col is not None else [f"no split column in {spec_file}: {GENERATED_SPLIT_NOTE}"]
    for line, f in rows[1:]:
        where = f"{csv_file}:{line}"
        if len(f) != len(header):
            problems.add(where, f"expected {len(header)} fields (as in the header), found {len(f)}")
            continue
        path = f[image_col]
        if not path:
            problems.add(where, f"empty image path in column '{cols['image']}'")
            continue
        labels = {head: lookup.get(f[col]) for head, col, lookup in heads}
        bad = next((h for h in heads if labels[h[0]] is None), None)
        if bad:
            problems.add(where, f"value '{f[bad[1]]}' of column '{header[bad[1]]}' maps to no class of "
                                f"head '{bad[0]}' (expected {', '.join(bad[2])})")
            continue
        rect = parse_box(f, box_cols) if box_cols else None
        if box_cols and rect is None:
            problems.add(where, f"bad box ({', '.join(f[c] for c in box_cols)}): need numbers with "
                                "width, height > 0")
            continue
        split = hash_split(path)
        if split_col is not None:
            value = f[split_col]
            split = custom_splits.get(value) or SPLIT_NAMES.get(value.lower())
            if split is None:
                problems.add(where, f"split '{value}' is not train/val/test (or 0/1/2; see splits in "
                                    "the spec)")
                continue
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


def parse_box(fields: list, box_cols: list) -> tuple | None:
    """[x, y, width, height] as numbers, or None when one is not a finite number or a side is not > 0."""
    try:
        rect = tuple(float(fields[c]) for c in box_cols)
    except ValueError:
        return None
    return rect if all(map(math.isfinite, rect)) and rect[2] > 0 and rect[3] > 0 else None


def head_lookup(request: dict, spec_heads: dict, spec_file: str, column) -> tuple:
    """(head, column index, value -> class index): the column is the graph's attribute, else the
    spec's column, else the head name; values map through the spec's `values`, else class names and
    indices are accepted."""
    name, classes = request["name"], request["classes"]
    sh = spec_heads.get(name)
    attribute = request.get("attribute") or (sh or {}).get("column") or name
    lookup = {}
    if sh and sh.get("values"):
        for value, class_name in sh["values"].items():
            if class_name not in classes:
                raise DataError(f"{spec_file}: heads.{name}: values.{value}: class '{class_name}' is not "
                                f"one of {', '.join(classes)}")
            lookup[str(value)] = classes.index(class_name)
    else:
        for k, class_name in enumerate(classes):
            lookup[class_name] = lookup[str(k)] = k
    return name, column(attribute, f"heads.{name}.column" if sh else f"head '{name}'"), lookup
