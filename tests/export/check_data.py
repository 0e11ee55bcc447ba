"""Reads datasets with an export's Python data layer, for tests/export/train_test.ts.

usage: check_data.py EXPORT_DIR JOB.json   (JOB: {heads, datasets, size, count, pixels})

Prints, per dataset, its notes and examples ([id, split, labels in head order, box]); writes the
first `count` images of each, decoded at size × size, to the file `pixels` (uint8, one after another).
"""
import json
import sys


def main() -> None:
    sys.path.insert(0, sys.argv[1])
    from mtl.data import open_dataset
    from mtl.images import decode_image

    with open(sys.argv[2], encoding="utf-8") as f:
        job = json.load(f)
    report, pixels = [], bytearray()
    for path in job["datasets"]:
        examples, notes = open_dataset(path, job["heads"])
        rows = [[e.id, e.split, [e.labels[h["name"]] for h in job["heads"]], e.box] for e in examples]
        report.append({"notes": notes, "examples": rows})
        for e in examples[: job["count"]]:
            pixels += decode_image(e.file, e.box, job["size"], e.where).tobytes()
    with open(job["pixels"], "wb") as f:
        f.write(pixels)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
