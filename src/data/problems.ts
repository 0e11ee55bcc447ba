import { UserError } from "../util/errors.ts";
import type { Problem } from "./types.ts";

/**
 * Collects data problems (bad rows, missing images). With `skipBad` they are only counted;
 * otherwise {@link Problems.check} turns them into one UserError naming the first `file:line`.
 */
export class Problems {
  readonly list: Problem[] = [];

  constructor(readonly skipBad: boolean) {}

  /** Records a problem. */
  add(where: string, detail: string): void {
    this.list.push({ where, detail });
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
