import { UserError } from "../util/errors.ts";
import { closest } from "../util/suggest.ts";
import type { HeadBinding, HeadRequest } from "./types.ts";

/** Attribute and class names used when neither the caller nor the dataset spec names them. */
export const DEFAULT_ATTRIBUTES: Readonly<Record<string, { attribute: string; classes: string[] }>> = {
  smile: { attribute: "Smiling", classes: ["not_smiling", "smiling"] },
  gender: { attribute: "Male", classes: ["female", "male"] },
  eyeglasses: { attribute: "Eyeglasses", classes: ["no_eyeglasses", "eyeglasses"] },
  young: { attribute: "Young", classes: ["old", "young"] },
  age: { attribute: "Young", classes: ["old", "young"] },
};

/** The default attribute and classes of a head name, if it has any (user names are data, not keys). */
export function defaultAttribute(head: string): { attribute: string; classes: string[] } | undefined {
  return Object.hasOwn(DEFAULT_ATTRIBUTES, head) ? DEFAULT_ATTRIBUTES[head] : undefined;
}

/** What a dataset spec says about a head (CelebA: attribute and classes; CSV: column). */
export interface SpecHead {
  attribute?: string;
  classes?: string[];
}

/**
 * Checks the head names of a dataset spec's `heads` section against the heads asked for. A name that
 * is no head of the graph but close to one the spec leaves unmapped is a typo: a UserError naming
 * `heads.<name>` in `specFile`, since training would otherwise read that head from a default column
 * without a word. Other extra names (a spec written for a graph with more heads) give a note.
 */
export function checkSpecHeadNames(
  specHeads: readonly string[],
  requests: readonly HeadRequest[],
  specFile: string,
): string[] {
  const requested = requests.map((r) => r.head);
  const unmapped = requested.filter((h) => !specHeads.includes(h));
  const notes: string[] = [];
  for (const name of specHeads) {
    if (requested.includes(name)) continue;
    const guess = closest(name, unmapped);
    if (guess !== undefined) {
      throw new UserError(
        `${specFile}: heads.${name}`,
        `no head '${name}' in the graph (did you mean '${guess}'?); its heads are ${requested.join(", ")}`,
      );
    }
    notes.push(`${specFile}: heads.${name} is not a head of this graph (${requested.join(", ")}); ignored`);
  }
  return notes;
}

/**
 * Resolves heads of a binary-attribute dataset (CelebA layout). The dataset spec's mapping wins (it
 * knows the dataset's attribute names), then the request (the graph head's `attribute`), then
 * {@link DEFAULT_ATTRIBUTES}, then the head name; two classes (negative, positive), the request's
 * names first.
 */
export function resolveBinaryHeads(
  requests: readonly HeadRequest[],
  specHeads: Readonly<Record<string, SpecHead>>,
  where: string,
): HeadBinding[] {
  if (requests.length === 0) throw new UserError(where, "no heads requested");
  const seen = new Set<string>();
  return requests.map((r) => {
    if (seen.has(r.head)) throw new UserError(where, `head '${r.head}' requested twice`);
    seen.add(r.head);
    const fromSpec = Object.hasOwn(specHeads, r.head) ? specHeads[r.head] : {};
    const attribute = fromSpec.attribute ?? r.attribute ?? defaultAttribute(r.head)?.attribute ?? r.head;
    const byAttribute = Object.values(DEFAULT_ATTRIBUTES).find((d) => d.attribute === attribute);
    const classes = r.classes ?? fromSpec.classes ?? byAttribute?.classes ?? [`not_${attribute}`, attribute];
    if (classes.length !== 2) {
      throw new UserError(
        where,
        `head '${r.head}' has ${classes.length} classes but attribute '${attribute}' is binary (-1/1)`,
      );
    }
    return { head: r.head, attribute, classes: [...classes] };
  });
}
