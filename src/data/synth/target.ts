/**
 * The folder the synthetic set is written into: data:synth writes only where it wrote before (its
 * marker file is there), into a new or empty folder, or anywhere with `force` — never over a folder of
 * the user's own (an existing CelebA folder, say) without being told to.
 *
 * @module
 */
import { join } from "node:path";
import { UserError } from "../../util/errors.ts";

/** The file data:synth writes first into its output folder: the folder is then its own. */
export const SYNTH_MARKER = ".data-synth";

const MARKER_TEXT = "This folder was written by `deno task data:synth`; it may overwrite it.\n";

/** Sets written before the marker existed: their synth.json names the generator. */
async function madeBySynth(dir: string): Promise<boolean> {
  try {
    const meta = JSON.parse(await Deno.readTextFile(join(dir, "synth.json")));
    return typeof meta?.generator === "string" && meta.generator.startsWith("synthetic faces");
  } catch {
    return false;
  }
}

/**
 * Makes `out` the synthetic set's folder, creating it when missing and writing the marker. A folder
 * holding files data:synth did not write is a UserError naming it (and some of its files) unless
 * `force`.
 */
export async function claimSynthFolder(out: string, force = false): Promise<void> {
  let entries: string[] | undefined;
  try {
    entries = [];
    for await (const e of Deno.readDir(out)) entries.push(e.name);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) entries = undefined;
    else if (e instanceof Deno.errors.NotADirectory) throw new UserError(out, "exists and is not a folder");
    else throw e;
  }
  const ours = entries === undefined || entries.length === 0 || entries.includes(SYNTH_MARKER) ||
    (await madeBySynth(out));
  if (!ours && !force) {
    const names = entries!.sort();
    const shown = names.slice(0, 4).join(", ") + (names.length > 4 ? `, … (${names.length} entries)` : "");
    throw new UserError(
      out,
      `holds files that data:synth did not write (${shown}); choose another folder, or pass --force ` +
        "to write the synthetic set over them",
    );
  }
  await Deno.mkdir(out, { recursive: true });
  await Deno.writeTextFile(join(out, SYNTH_MARKER), MARKER_TEXT);
}
