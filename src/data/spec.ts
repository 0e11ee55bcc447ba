import { dirname, resolve } from "node:path";
import { isNode, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { UserError } from "../util/errors.ts";
import { closest } from "../util/suggest.ts";

const Name = z.string().regex(/^[A-Za-z0-9_.-]+$/, "use letters, digits, '_', '-' and '.' only");
const SplitName = z.enum(["train", "val", "test"]);

const CelebaHead = z.union([
  z.string(),
  z.strictObject({ attribute: z.string().optional(), classes: z.array(z.string()).length(2).optional() }),
]);

/** `format: celeba` — a CelebA-layout dataset whose parts may be named differently (e.g. LFWA). */
export const CelebaSpec = z.strictObject({
  format: z.literal("celeba"),
  name: Name.optional(),
  /** Dataset folder, relative to the spec file (default: the spec's folder). */
  root: z.string().optional(),
  /** Image folder, relative to root. */
  images: z.string().default("img_align_celeba"),
  /** Attribute file, relative to root. */
  attributes: z.string().default("list_attr_celeba.txt"),
  /** Partition file relative to root; `null` to always generate a split. Default: used when present. */
  partition: z.string().nullable().optional(),
  /** head -> attribute name, or { attribute, classes }. */
  heads: z.record(z.string(), CelebaHead).default({}),
});

const CsvHead = z.strictObject({
  /** Label column. */
  column: z.string(),
  /** Column value -> class name; absent: values must be class names or class indices. */
  values: z.record(z.string(), z.string()).optional(),
  /** Class names in index order (default: order of first appearance in `values`). */
  classes: z.array(z.string()).min(2).optional(),
});

/** `format: bbox-csv` — one row per face: image path, box, labels, optional split (FotW style). */
export const BboxCsvSpec = z.strictObject({
  format: z.literal("bbox-csv"),
  name: Name.optional(),
  /** CSV file, relative to the spec file. */
  csv: z.string(),
  /** Folder image paths are relative to, relative to the spec file (default: the CSV's folder). */
  images: z.string().optional(),
  delimiter: z.string().length(1).default(","),
  columns: z.strictObject({
    image: z.string(),
    box: z.strictObject({ x: z.string(), y: z.string(), width: z.string(), height: z.string() }).optional(),
    split: z.string().optional(),
  }),
  /** Split column value -> split (default understands 0/1/2 and train/val/test). */
  splits: z.record(z.string(), SplitName).optional(),
  heads: z.record(z.string(), CsvHead).default({}),
});

/** A YAML dataset spec. */
export const DatasetSpec = z.discriminatedUnion("format", [CelebaSpec, BboxCsvSpec]);
export type DatasetSpec = z.infer<typeof DatasetSpec>;
export type CelebaSpec = z.infer<typeof CelebaSpec>;
export type BboxCsvSpec = z.infer<typeof BboxCsvSpec>;

/** A validated spec with the folder its relative paths start from. */
export interface LoadedSpec {
  spec: DatasetSpec;
  file: string;
  dir: string;
}

/**
 * Reads and validates a YAML dataset spec. Mistakes are UserErrors `file:line: field: problem`,
 * with a "did you mean" for misspelt keys.
 */
export async function loadSpec(path: string): Promise<LoadedSpec> {
  const file = resolve(path);
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UserError(path, "dataset spec not found");
    throw e;
  }
  return { spec: parseSpec(text, path), file, dir: dirname(file) };
}

/** Validates spec text; `where` names the file in errors. */
export function parseSpec(text: string, where: string): DatasetSpec {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const line = lc.linePos(err.pos[0]).line;
    throw new UserError(`${where}:${line}`, `invalid YAML: ${err.message.split("\n")[0]}`);
  }
  const result = DatasetSpec.safeParse(doc.toJS());
  if (result.success) return result.data;
  const issue = pickIssue(result.error.issues[0]);
  const path = issue.path.map(String);
  const lineOf = (p: string[]) => {
    // The nearest node that exists gives the line.
    for (let n = p.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(p.slice(0, n), true);
      if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
    }
    return 1;
  };
  let line = lineOf(path);
  let field = path.length > 0 ? path.join(".") : "(top level)";
  let detail = issue.message;
  if (issue.code === "unrecognized_keys") {
    const known = knownKeys(path, doc.toJS());
    const [key, ...others] = issue.keys;
    field = [...path, key].join(".");
    line = lineOf([...path, key]);
    const guess = closest(key, known);
    detail = `unknown key${guess ? `; did you mean '${guess}'?` : ""}` +
      (known.length ? ` (known: ${known.join(", ")})` : "") +
      (others.length ? `; also unknown: ${others.join(", ")}` : "");
  } else if (path.length === 1 && path[0] === "format") {
    detail = "must be 'celeba' or 'bbox-csv'";
  } else if (issue.code === "invalid_union") {
    const expected = new Set(issue.errors.flat().map((i) => (i.code === "invalid_type" ? i.expected : "")));
    expected.delete("");
    detail = expected.size > 0 ? `expected ${[...expected].join(" or ")}` : "invalid value";
  } else if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) {
    detail = `required (${issue.expected})`;
  } else if (issue.code === "invalid_type") {
    detail = `expected ${issue.expected}`;
  }
  throw new UserError(`${where}:${line}`, `${field}: ${detail}`);
}

/** In a union, the issue of the branch that got furthest (if one clearly did), with its full path. */
function pickIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return issue;
  const deeper = issue.errors.flat().filter((i) => i.path.length > 0 || i.code !== "invalid_type");
  if (deeper.length === 0) return issue;
  const best = deeper.reduce((a, b) => (b.path.length > a.path.length ? b : a));
  return pickIssue({ ...best, path: [...issue.path, ...best.path] } as z.core.$ZodIssue);
}

/** Keys allowed at `path` of the spec (for "did you mean"). */
function knownKeys(path: string[], value: unknown): string[] {
  const format = (value as { format?: unknown })?.format;
  let schema: z.ZodType = format === "bbox-csv" ? BboxCsvSpec : CelebaSpec;
  for (const p of path) {
    const s = unwrap(schema);
    if (s instanceof z.ZodObject) schema = s.shape[p] as z.ZodType;
    else if (s instanceof z.ZodRecord) schema = s.valueType as z.ZodType;
    else if (s instanceof z.ZodUnion) {
      schema = (s.options as z.ZodType[]).find((o) => unwrap(o) instanceof z.ZodObject) ?? s;
      const o = unwrap(schema);
      if (o instanceof z.ZodObject) schema = o.shape[p] as z.ZodType;
    } else return [];
    if (!schema) return [];
  }
  let s = unwrap(schema);
  if (s instanceof z.ZodUnion) {
    s = unwrap((s.options as z.ZodType[]).find((o) => unwrap(o) instanceof z.ZodObject) ?? s);
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

function unwrap(s: z.ZodType): z.ZodType {
  let t = s;
  while (t instanceof z.ZodOptional || t instanceof z.ZodDefault || t instanceof z.ZodNullable) {
    t = t.unwrap() as z.ZodType;
  }
  return t;
}
