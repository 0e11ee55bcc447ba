import { UserError } from "../util/errors.ts";
import { SPLITS } from "./types.ts";
import type { Example, Split } from "./types.ts";

/** Number of examples per split. */
export function splitCounts(examples: readonly Example[]): Record<Split, number> {
  const counts: Record<Split, number> = { train: 0, val: 0, test: 0 };
  for (const e of examples) counts[e.split]++;
  return counts;
}

/**
 * Training needs a train and a val split: an empty one is a UserError naming `file`
 * (the test split is checked when it is loaded).
 */
export function checkSplitsNotEmpty(examples: readonly Example[], file: string): void {
  const counts = splitCounts(examples);
  for (const s of SPLITS.slice(0, 2)) {
    if (counts[s] === 0) {
      const all = SPLITS.map((x) => `${x} ${counts[x]}`).join(", ");
      throw new UserError(file, `the ${s} split is empty (${all} usable images)`);
    }
  }
}
