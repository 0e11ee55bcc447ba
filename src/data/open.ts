import { basename, resolve } from "node:path";
import { UserError } from "../util/errors.ts";
import { openBboxCsv } from "./bbox.ts";
import { type CelebaLayout, openCeleba } from "./celeba.ts";
import { isDirectory } from "./files.ts";
import type { SpecHead } from "./heads.ts";
import { loadSpec } from "./spec.ts";
import type { DatasetIndex, HeadRequest, OpenOptions } from "./types.ts";

/** Image folders tried, in order, for a CelebA-layout directory given without a spec. */
const IMAGE_FOLDERS = ["img_align_celeba", "images", "img"];

/**
 * Opens a dataset: a directory in CelebA layout, or a `.yaml`/`.yml` dataset spec
 * (`format: celeba` with custom paths/attribute names, or `format: bbox-csv`).
 * Reads labels and splits and checks every image exists; pixels are loaded by `loadImages`.
 *
 * Bad rows and missing images are fatal (a UserError naming `file:line`) unless `skipBad`,
 * in which case they are skipped and listed in `problems`. Unknown attribute/column names and
 * an empty train or val split are always fatal.
 */
export async function openDataset(
  spec: string,
  heads: readonly HeadRequest[],
  opts: OpenOptions = {},
): Promise<DatasetIndex> {
  const skipBad = opts.skipBad ?? false;
  if (/\.ya?ml$/i.test(spec)) {
    const loaded = await loadSpec(spec);
    const s = loaded.spec;
    if (s.format === "bbox-csv") return openBboxCsv(s, spec, loaded.dir, heads, skipBad);
    const root = resolve(loaded.dir, s.root ?? ".");
    const specHeads: Record<string, SpecHead> = {};
    for (const [head, h] of Object.entries(s.heads)) {
      specHeads[head] = typeof h === "string" ? { attribute: h } : h;
    }
    const layout: CelebaLayout = {
      name: s.name ?? basename(spec).replace(/\.ya?ml$/i, ""),
      root,
      images: resolve(root, s.images),
      attributes: resolve(root, s.attributes),
      partition: s.partition === null ? undefined : resolve(root, s.partition ?? "list_eval_partition.txt"),
      partitionRequired: typeof s.partition === "string",
      heads: specHeads,
      spec,
    };
    if (!isDirectory(layout.images)) throw new UserError(spec, `images: folder not found: ${layout.images}`);
    return openCeleba(layout, heads, skipBad);
  }
  if (!isDirectory(spec)) {
    throw new UserError(spec, "not a dataset: expected a CelebA-layout folder or a .yaml dataset spec");
  }
  const root = resolve(spec);
  const folder = IMAGE_FOLDERS.find((f) => isDirectory(resolve(root, f)));
  if (!folder) {
    throw new UserError(
      spec,
      `no image folder (${IMAGE_FOLDERS.join("/, ")}/); use a .yaml spec to name another`,
    );
  }
  return openCeleba(
    {
      name: basename(root),
      root,
      images: resolve(root, folder),
      attributes: resolve(root, "list_attr_celeba.txt"),
      partition: resolve(root, "list_eval_partition.txt"),
      partitionRequired: false,
      heads: {},
    },
    heads,
    skipBad,
  );
}
