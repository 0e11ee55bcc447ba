import { UserError } from "../util/errors.ts";
import type { Problem } from "./types.ts";

/**
 * Collects data problems (bad rows, missing images). With `skipBad` they are only counted;
 * otherwise {@link Problems.check} turns them into one UserError naming the first `file:line`.
 */
export class Problems {
  readonly list: Problem[] = [];

  constructor(readonly skipBad: boolean) {}

  /** Records a problem (`image`: the id of the image it concerns, when it is about one). */
  add(where: string, detail: string, image?: string): void {
    this.list.push(image === undefined ? { where, detail } : { where, detail, image });
  }

  /** Throws when problems were found and they may not be skipped. */
  check(): void {
    throwIfProblems(this.list, this.skipBad);
  }
}

/** Throws a UserError for the first problem (mentioning how many more) unless `skipBad`. */
export function throwIfProblems(list: readonly Problem[], skipBad: boolean): void {
  if (skipBad || list.length === 0) return;
  const [first] = list;
  const more = list.length > 1 ? ` (and ${list.length - 1} more problem${list.length > 2 ? "s" : ""})` : "";
  throw new UserError(
    first.where,
    `${first.detail}${more}; fix the data or pass --skip-bad to skip bad entries`,
  );
}

/**
 * The line that says what `--skip-bad` left out: how many, and the first few by image name (or by
 * `file:line` for a row that names no image), e.g.
 * `skipped 3 bad rows/images (--skip-bad): 000003.jpg, 000007.jpg, list_attr_celeba.txt:12`.
 */
export function skippedSummary(list: readonly Problem[], what = "bad rows/images", shown = 5): string {
  const names = list.slice(0, shown).map((p) => p.image ?? p.where.replace(/^.*\//, ""));
  const more = list.length > shown ? `, … (${list.length - shown} more)` : "";
  return `skipped ${list.length} ${what} (--skip-bad): ${names.join(", ")}${more}`;
}
