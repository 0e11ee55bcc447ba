import { dirname, isAbsolute, join, resolve } from "node:path";
import { UserError } from "../util/errors.ts";
import { closest } from "../util/suggest.ts";
import { parseCsv } from "./csv.ts";
import { FileLister } from "./files.ts";
import { checkSpecHeadNames, defaultAttribute } from "./heads.ts";
import { Problems } from "./problems.ts";
import type { BboxCsvSpec } from "./spec.ts";
import { GENERATED_SPLIT_NOTE, hashSplit, parseSplit } from "./split.ts";
import { readTextIfExists } from "./text.ts";
import type { DatasetIndex, Example, HeadBinding, HeadRequest, Split } from "./types.ts";
import { checkSplitsNotEmpty } from "./validate.ts";

interface CsvHeadPlan {
  binding: HeadBinding;
  column: number;
  /** Column value -> class index. */
  lookup: Map<string, number>;
}

/**
 * Reads a bounding-box CSV dataset (FotW style) described by a `format: bbox-csv` spec:
 * image path, box (x, y, width, height in source pixels), one label column per head, optional split.
 * Several faces of one image are fine; their ids get `#2`, `#3`… and they share the image's split.
 */
export async function openBboxCsv(
  spec: BboxCsvSpec,
  specFile: string,
  specDir: string,
  requests: readonly HeadRequest[],
  skipBad: boolean,
): Promise<DatasetIndex> {
  if (requests.length === 0) throw new UserError(specFile, "no heads requested");
  const csvFile = resolve(specDir, spec.csv);
  const text = await readTextIfExists(csvFile);
  if (text === undefined) throw new UserError(csvFile, `CSV file not found (named by csv in ${specFile})`);
  const imagesDir = spec.images !== undefined ? resolve(specDir, spec.images) : dirname(csvFile);
  const records = parseCsv(text, spec.delimiter, csvFile);
  if (records.length === 0) throw new UserError(csvFile, "empty CSV (expected a header line)");
  const header = records[0].fields;
  const headerWhere = `${csvFile}:${records[0].line}`;
  const column = (name: string, field: string) => {
    const i = header.indexOf(name);
    if (i >= 0) return i;
    const guess = closest(name, header);
    const hint = guess ? `did you mean '${guess}'?` : `columns: ${header.join(", ")}`;
    throw new UserError(headerWhere, `no column '${name}' (${field} in ${specFile}); ${hint}`);
  };
  const imageCol = column(spec.columns.image, "columns.image");
  const box = spec.columns.box;
  const boxCols = box
    ? [
      column(box.x, "columns.box.x"),
      column(box.y, "columns.box.y"),
      column(box.width, "columns.box.width"),
      column(box.height, "columns.box.height"),
    ]
    : undefined;
  const splitCol = spec.columns.split !== undefined ? column(spec.columns.split, "columns.split") : undefined;
  const notes = checkSpecHeadNames(Object.keys(spec.heads), requests, specFile);
  const heads = requests.map((r) => planHead(r, spec, specFile, column));

  const problems = new Problems(skipBad);
  if (splitCol === undefined) notes.push(`no split column in ${specFile}: ${GENERATED_SPLIT_NOTE}`);
  const lister = new FileLister();
  const examples: Example[] = [];
  const occurrences = new Map<string, number>();
  for (const rec of records.slice(1)) {
    const where = `${csvFile}:${rec.line}`;
    const f = rec.fields;
    if (f.length !== header.length) {
      problems.add(where, `expected ${header.length} fields (as in the header), found ${f.length}`);
      continue;
    }
    const path = f[imageCol];
    if (path === "") {
      problems.add(where, `empty image path in column '${spec.columns.image}'`);
      continue;
    }
    const labels: Record<string, number> = {};
    let bad: string | undefined;
    for (const h of heads) {
      const v = f[h.column];
      const cls = h.lookup.get(v);
      if (cls === undefined) {
        bad =
          `value '${v}' of column '${h.binding.attribute}' maps to no class of head '${h.binding.head}' ` +
          `(expected ${[...h.lookup.keys()].join(", ")})`;
        break;
      }
      labels[h.binding.head] = cls;
    }
    if (bad) {
      problems.add(where, bad, path);
      continue;
    }
    let rect: [number, number, number, number] | undefined;
    if (boxCols) {
      const nums = boxCols.map((c) => Number(f[c]));
      if (nums.some((n, k) => f[boxCols[k]] === "" || !Number.isFinite(n)) || nums[2] <= 0 || nums[3] <= 0) {
        problems.add(
          where,
          `bad box (${boxCols.map((c) => f[c]).join(", ")}): need numbers with width, height > 0`,
          path,
        );
        continue;
      }
      rect = nums as [number, number, number, number];
    }
    let split: Split | undefined;
    if (splitCol !== undefined) {
      split = parseSplit(f[splitCol], spec.splits);
      if (split === undefined) {
        problems.add(
          where,
          `split '${f[splitCol]}' is not train/val/test (or 0/1/2; see splits in the spec)`,
          path,
        );
        continue;
      }
    } else split = hashSplit(path);
    const file = isAbsolute(path) ? path : join(imagesDir, path);
    if (!lister.exists(file)) {
      problems.add(where, `image ${path} not found in ${imagesDir}`, path);
      continue;
    }
    const n = (occurrences.get(path) ?? 0) + 1;
    occurrences.set(path, n);
    const id = n === 1 ? path : `${path}#${n}`;
    examples.push({ id, file, ...(rect ? { box: rect } : {}), labels, split, where });
  }
  problems.check();
  checkSplitsNotEmpty(examples, csvFile);
  const name = spec.name ?? specFile.replace(/^.*\//, "").replace(/\.ya?ml$/, "");
  return {
    name,
    root: specDir,
    examples,
    problems: problems.list,
    heads: heads.map((h) => h.binding),
    notes,
    skipBad,
  };
}

function planHead(
  r: HeadRequest,
  spec: BboxCsvSpec,
  specFile: string,
  column: (name: string, field: string) => number,
): CsvHeadPlan {
  const sh = Object.hasOwn(spec.heads, r.head) ? spec.heads[r.head] : undefined;
  // The spec's column wins: it names this CSV's column, the graph's attribute names a CelebA one.
  const attribute = sh?.column ?? r.attribute ?? r.head;
  const where = `${specFile}: heads.${r.head}`;
  const fromValues = sh?.values ? [...new Set(Object.values(sh.values))] : undefined;
  const classes = r.classes ?? sh?.classes ?? fromValues ?? defaultAttribute(r.head)?.classes;
  if (!classes) throw new UserError(where, "give `values` (column value -> class name) or `classes`");
  const lookup = new Map<string, number>();
  if (sh?.values) {
    for (const [value, name] of Object.entries(sh.values)) {
      const k = classes.indexOf(name);
      if (k < 0) {
        throw new UserError(where, `values.${value}: class '${name}' is not one of ${classes.join(", ")}`);
      }
      lookup.set(value, k);
    }
  } else {
    classes.forEach((name, k) => {
      lookup.set(name, k);
      lookup.set(String(k), k);
    });
  }
  return {
    binding: { head: r.head, attribute, classes: [...classes] },
    column: column(
      attribute,
      sh?.column !== undefined
        ? `heads.${r.head}.column`
        : `the graph's attribute of head '${r.head}'; map it with heads.${r.head}.column`,
    ),
    lookup,
  };
}
