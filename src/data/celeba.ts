import { join } from "node:path";
import { UserError } from "../util/errors.ts";
import { closest } from "../util/suggest.ts";
import { FileLister } from "./files.ts";
import { checkSpecHeadNames, resolveBinaryHeads, type SpecHead } from "./heads.ts";
import { Problems } from "./problems.ts";
import { GENERATED_SPLIT_NOTE, hashSplit, parseSplit } from "./split.ts";
import { fields, readTextIfExists, splitLines } from "./text.ts";
import type { DatasetIndex, Example, HeadBinding, HeadRequest, Split } from "./types.ts";
import { checkSplitsNotEmpty } from "./validate.ts";

/** Where the parts of a CelebA-layout dataset are (absolute paths). */
export interface CelebaLayout {
  name: string;
  root: string;
  /** Folder holding the images named in the attribute file. */
  images: string;
  /** `list_attr_celeba.txt`. */
  attributes: string;
  /** `list_eval_partition.txt`; when `partitionRequired` is false a missing file means "generate a split". */
  partition?: string;
  partitionRequired: boolean;
  /** Head -> attribute/classes from a YAML spec. */
  heads: Record<string, SpecHead>;
  /** The YAML spec the layout comes from, if any (named in errors about its `heads`). */
  spec?: string;
}

/** Reads a CelebA-layout dataset (also LFWA converted to the same text layout). */
export async function openCeleba(
  layout: CelebaLayout,
  requests: readonly HeadRequest[],
  skipBad: boolean,
): Promise<DatasetIndex> {
  const problems = new Problems(skipBad);
  const notes: string[] = [];
  const attrText = await readTextIfExists(layout.attributes);
  if (attrText === undefined) {
    throw new UserError(
      layout.attributes,
      "attribute file not found (a CelebA-layout dataset needs list_attr_celeba.txt)",
    );
  }
  if (layout.spec !== undefined) {
    notes.push(...checkSpecHeadNames(Object.keys(layout.heads), requests, layout.spec));
  }
  const heads = resolveBinaryHeads(requests, layout.heads, layout.attributes);
  const fromSpec = (head: string) =>
    layout.spec !== undefined && Object.hasOwn(layout.heads, head) &&
      layout.heads[head].attribute !== undefined
      ? ` (heads.${head} in ${layout.spec})`
      : "";
  const rows = parseAttributes(attrText, layout.attributes, heads, problems, fromSpec);

  let partition: Map<string, Split> | undefined;
  const partText = layout.partition === undefined ? undefined : await readTextIfExists(layout.partition);
  if (partText !== undefined) partition = parsePartition(partText, layout.partition!, problems);
  else if (layout.partitionRequired) {
    throw new UserError(layout.partition ?? layout.root, "partition file not found");
  } else notes.push(`no ${layout.partition ?? "partition file"}: ${GENERATED_SPLIT_NOTE}`);

  const lister = new FileLister();
  const examples: Example[] = [];
  for (const row of rows) {
    const where = `${layout.attributes}:${row.line}`;
    let split: Split | undefined;
    if (partition) {
      split = partition.get(row.id);
      if (split === undefined) {
        problems.add(where, `image ${row.id} is not listed in ${layout.partition}`, row.id);
        continue;
      }
    } else split = hashSplit(row.id);
    const file = join(layout.images, row.id);
    if (!lister.exists(file)) {
      problems.add(where, `image ${row.id} not found in ${layout.images}`, row.id);
      continue;
    }
    examples.push({ id: row.id, file, labels: row.labels, split, where });
  }
  problems.check();
  checkSplitsNotEmpty(examples, partition ? layout.partition! : layout.attributes);
  return { name: layout.name, root: layout.root, examples, problems: problems.list, heads, notes, skipBad };
}

interface AttrRow {
  id: string;
  line: number;
  labels: Record<string, number>;
}

/**
 * Parses `list_attr_celeba.txt`: line 1 the image count, line 2 the attribute names, then rows
 * `image v1 v2 …` split on any whitespace, with values -1 or 1 (`+1` is 1; `0` is read as -1, as some
 * converted sets write it). Only the columns of `heads` are read; -1 becomes class 0 and 1 class 1.
 * Bad rows, an image listed twice and a count on line 1 that disagrees with the rows are problems.
 * `origin(head)` says where a head's attribute name came from, for the unknown-attribute error.
 */
export function parseAttributes(
  text: string,
  file: string,
  heads: readonly HeadBinding[],
  problems: Problems,
  origin: (head: string) => string = () => "",
): AttrRow[] {
  const lines = splitLines(text);
  const countFields = fields(lines[0] ?? "");
  const declared = countFields.length === 1 && /^\d+$/.test(countFields[0]) ? Number(countFields[0]) : NaN;
  if (Number.isNaN(declared)) {
    throw new UserError(`${file}:1`, `expected the number of images, found '${(lines[0] ?? "").trim()}'`);
  }
  const names = fields(lines[1] ?? "");
  if (names.length === 0) {
    throw new UserError(`${file}:2`, "expected the attribute names, found an empty line");
  }
  const columns = heads.map((h) => {
    const index = names.indexOf(h.attribute);
    if (index < 0) {
      const guess = closest(h.attribute, names);
      const hint = guess
        ? `did you mean '${guess}'?`
        : `known: ${names.slice(0, 8).join(", ")}${names.length > 8 ? ", …" : ""}`;
      throw new UserError(
        `${file}:2`,
        `unknown attribute '${h.attribute}' for head '${h.head}'${origin(h.head)}; ${hint}`,
      );
    }
    return { head: h.head, attribute: h.attribute, index };
  });

  const rows: AttrRow[] = [];
  const seen = new Map<string, number>();
  let count = 0;
  for (let i = 2; i < lines.length; i++) {
    const f = fields(lines[i]);
    if (f.length === 0) continue;
    count++;
    const where = `${file}:${i + 1}`;
    if (f.length !== names.length + 1) {
      problems.add(
        where,
        `expected ${names.length + 1} fields (image and ${names.length} attributes), found ${f.length}`,
      );
      continue;
    }
    const id = f[0];
    const first = seen.get(id);
    if (first !== undefined) {
      problems.add(where, `image ${id} is listed twice (first on line ${first})`, id);
      continue;
    }
    seen.set(id, i + 1);
    const labels: Record<string, number> = {};
    let ok = true;
    for (const c of columns) {
      const v = f[c.index + 1];
      if (v === "1" || v === "+1") labels[c.head] = 1;
      else if (v === "-1" || v === "0") labels[c.head] = 0;
      else {
        problems.add(where, `value '${v}' of ${c.attribute} is not -1 or 1`, id);
        ok = false;
        break;
      }
    }
    if (ok) rows.push({ id, line: i + 1, labels });
  }
  if (count !== declared) {
    problems.add(`${file}:1`, `says ${declared} images but ${count} row${count === 1 ? "" : "s"} follow`);
  }
  return rows;
}

/** Parses `list_eval_partition.txt`: rows `image 0|1|2` (0 train, 1 val, 2 test); an image listed twice is a problem. */
export function parsePartition(text: string, file: string, problems: Problems): Map<string, Split> {
  const splits = new Map<string, Split>();
  const firstLine = new Map<string, number>();
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const f = fields(lines[i]);
    if (f.length === 0) continue;
    const where = `${file}:${i + 1}`;
    if (f.length !== 2) {
      problems.add(where, `expected 2 fields (image and 0/1/2), found ${f.length}`);
      continue;
    }
    const first = firstLine.get(f[0]);
    if (first !== undefined) {
      problems.add(where, `image ${f[0]} is listed twice (first on line ${first})`);
      continue;
    }
    firstLine.set(f[0], i + 1);
    const split = parseSplit(f[1]);
    if (split === undefined) problems.add(where, `split '${f[1]}' is not 0 (train), 1 (val) or 2 (test)`);
    else splits.set(f[0], split);
  }
  return splits;
}
