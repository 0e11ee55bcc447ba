import type { DatasetIndex, HeadRequest, OpenOptions } from "./types.ts";

/**
 * Opens a dataset: a directory in CelebA layout, or a `.yaml`/`.yml` dataset spec
 * (`format: celeba` with custom paths/attribute names, or `format: bbox-csv`).
 * Reads labels and splits and checks every image exists; pixels are loaded by `loadImages`.
 *
 * Bad rows and missing images are fatal (a UserError naming `file:line`) unless `skipBad`,
 * in which case they are skipped and listed in `problems`. Unknown attribute/column names and
 * an empty train or val split are always fatal.
 */
export function openDataset(
  spec: string,
  heads: readonly HeadRequest[],
  opts: OpenOptions = {},
): Promise<DatasetIndex> {
  void spec, heads, opts;
  throw new Error("openDataset: not implemented yet");
}
