import { hashString } from "../util/rng.ts";
import type { Split } from "./types.ts";

/** The note a dataset carries when its split was generated rather than read. */
export const GENERATED_SPLIT_NOTE =
  "made a deterministic 80/10/10 train/val/test split from a hash of each image id";

/**
 * The split of an id when the dataset has no partition: 80/10/10 by a hash of the id, so it is
 * stable across runs and machines and does not change when images are added or removed.
 */
export function hashSplit(id: string): Split {
  const bucket = hashString(id) % 10;
  return bucket < 8 ? "train" : bucket === 8 ? "val" : "test";
}

const DEFAULT_SPLIT_NAMES: Readonly<Record<string, Split>> = {
  "0": "train",
  "1": "val",
  "2": "test",
  train: "train",
  training: "train",
  val: "val",
  valid: "val",
  validation: "val",
  dev: "val",
  test: "test",
  testing: "test",
};

/**
 * Maps a split value from a file (`0/1/2` as in list_eval_partition.txt, or `train/val/test`
 * and common synonyms, case-insensitive) to a split; `custom` takes precedence.
 */
export function parseSplit(value: string, custom?: Readonly<Record<string, Split>>): Split | undefined {
  if (custom && Object.hasOwn(custom, value)) return custom[value];
  const key = value.toLowerCase();
  return Object.hasOwn(DEFAULT_SPLIT_NAMES, key) ? DEFAULT_SPLIT_NAMES[key] : undefined;
}
