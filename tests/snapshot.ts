import { createTwoFilesPatch } from "diff";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../src/util/atomic.ts";

/**
 * A small stand-in for `@std/testing/snapshot` (JSR is unreachable here): text snapshots stored
 * under `tests/__snapshots__/`, one file per name. Run tests with `-- --update` (or
 * `deno task snapshot:update`) to write them; a mismatch fails with a unified diff, and so does a
 * missing snapshot.
 */
export const SNAPSHOT_DIR = join(dirname(new URL(import.meta.url).pathname), "__snapshots__");

export const updating = () => Deno.args.includes("--update") || Deno.args.includes("-u");

/** Thrown when a value differs from its stored snapshot; the message is a readable diff. */
export class SnapshotMismatch extends Error {
  override name = "SnapshotMismatch";
}

/** The unified diff between a stored snapshot and the actual text, or "" when they agree. */
export function snapshotDiff(name: string, expected: string, actual: string): string {
  if (expected === actual) return "";
  return createTwoFilesPatch(`${name} (snapshot)`, `${name} (actual)`, expected, actual, "", "", {
    context: 2,
  });
}

/**
 * Compares `actual` with the snapshot `name`; writes it only when updating. A missing snapshot fails
 * like a mismatch (in CI or not): a new graph's first snapshot is written by `deno task snapshot:update`
 * and reviewed, and a deleted one is never silently re-recorded.
 */
export async function assertSnapshot(
  name: string,
  actual: string,
  { dir = SNAPSHOT_DIR, update = updating() }: { dir?: string; update?: boolean } = {},
): Promise<void> {
  const path = join(dir, name);
  if (update) {
    await writeFileAtomic(path, actual);
    return;
  }
  let expected: string;
  try {
    expected = await Deno.readTextFile(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    throw new SnapshotMismatch(
      `no snapshot ${name} in ${dir}; run \`deno task snapshot:update\`, review it and commit it`,
    );
  }
  const diff = snapshotDiff(name, expected, actual);
  if (diff) {
    throw new SnapshotMismatch(
      `snapshot ${name} differs (run \`deno task snapshot:update\` if intended):\n${diff}`,
    );
  }
}
