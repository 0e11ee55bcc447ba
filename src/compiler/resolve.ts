import { FRAGMENTS } from "../../stdlib/mod.ts";
import { describeIssue, issuePath, LayerSpec } from "../schema/mod.ts";
import type { FragmentRef, GraphSpec, HeadSpec, ParsedLayerEntry } from "../schema/mod.ts";
import { UserError } from "../util/errors.ts";
import { closest } from "../util/suggest.ts";

/** A layer with its final name, explicit inputs, and the spec path it came from. */
export type ResolvedLayer = LayerSpec & { inputs: string[]; path: string };

/** A graph whose fragments are expanded and whose layer names are final (branch layers prefixed). */
export interface ResolvedGraph extends Omit<GraphSpec, "trunk" | "heads"> {
  trunk: ResolvedLayer[];
  heads: Record<string, Omit<HeadSpec, "branch"> & { branch: ResolvedLayer[] }>;
}

/** The name of the model input node. */
export const INPUT = "input";

/**
 * Pass 2, resolve: expands stdlib fragments and shorthands, prefixes branch layers with their
 * head (`smile/conv5_block3_1_conv`), and makes every input explicit. Names come from the graph's
 * paths, never from creation order. Catches unknown fragments, bad fragment arguments, duplicate
 * names and inputs that name no earlier layer.
 */
export function resolveGraph(spec: GraphSpec): ResolvedGraph {
  const seen = new Map<string, string>([[INPUT, "input"]]);
  const trunk = resolveList(spec.trunk, "trunk", "", INPUT, seen);
  const trunkOut = trunk.at(-1)!.name;
  const heads: ResolvedGraph["heads"] = {};
  for (const [head, h] of Object.entries(spec.heads)) {
    const branch = resolveList(h.branch, `heads.${head}.branch`, `${head}/`, trunkOut, seen);
    heads[head] = { ...h, branch };
  }
  return { ...spec, trunk, heads };
}

function resolveList(
  entries: ParsedLayerEntry[],
  path: string,
  prefix: string,
  listInput: string,
  seen: Map<string, string>,
): ResolvedLayer[] {
  const out: ResolvedLayer[] = [];
  const local = new Set<string>();
  // Names inside this list get the prefix; names outside it (the trunk, for a branch) are kept.
  const ref = (name: string, where: string) => {
    if (name === "@in") return listInput;
    if (local.has(name)) return prefix + name;
    if (seen.has(name)) return name;
    const hint = closest(name, [...local, ...seen.keys()]);
    throw new UserError(
      where,
      `input "${name}" names no earlier layer${hint ? ` (did you mean "${hint}"?)` : ""}`,
    );
  };
  entries.forEach((entry, i) => {
    const entryPath = `${path}[${i}]`;
    for (const [layer, where] of expandEntry(entry, entryPath, local, prefix)) {
      const previous = out.at(-1)?.name ?? listInput;
      const inputs = layer.inputs ? layer.inputs.map((n, k) => ref(n, `${where}.inputs[${k}]`)) : [previous];
      const name = prefix + layer.name;
      const other = seen.get(name);
      if (other) throw new UserError(where, `duplicate layer name "${name}" (also at ${other})`);
      seen.set(name, where);
      local.add(layer.name);
      out.push({ ...layer, name, inputs, path: where });
    }
  });
  return out;
}

/**
 * One list entry as checked layer specs, each with the path to report errors at. The graph's own
 * layers were validated with the graph; only what fragments build is parsed here.
 */
function expandEntry(
  entry: ParsedLayerEntry,
  path: string,
  local: Set<string>,
  prefix: string,
): [LayerSpec, string][] {
  if (typeof entry === "string") {
    // Shorthands are named after their op; a second one in the same list gets a suffix.
    let name: string = entry;
    for (let k = 2; local.has(name); k++) name = `${entry}_${k}`;
    return [[{ op: entry, name }, path]];
  }
  if (!("use" in entry)) return [[entry as LayerSpec, path]];
  const layers = expandFragment(entry, path);
  return layers.map((l) => {
    const parsed = LayerSpec.safeParse(l);
    // A fragment that builds a bad layer is a stdlib bug, not a user mistake.
    if (!parsed.success) {
      throw new Error(`stdlib fragment "${entry.use}" built a bad layer ${prefix}${l.name}`);
    }
    return [parsed.data, `${path} (${entry.use}: ${l.name})`];
  });
}

function expandFragment(ref: FragmentRef, path: string) {
  const { use, ...args } = ref;
  const fragment = FRAGMENTS.get(use);
  if (!fragment) {
    const names = [...FRAGMENTS.keys()];
    const hint = closest(use, names);
    throw new UserError(
      `${path}.use`,
      `unknown stdlib fragment "${use}"${hint ? ` (did you mean "${hint}"?)` : ""}; fragments are ${
        names.join(", ")
      }`,
    );
  }
  const parsed = fragment.args.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserError(
      `${path}${issue.path.length ? "." + issuePath(issue.path) : ""}`,
      describeIssue(issue),
    );
  }
  return fragment.expand(parsed.data as never);
}
