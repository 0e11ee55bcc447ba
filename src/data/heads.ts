import { UserError } from "../util/errors.ts";
import type { HeadBinding, HeadRequest } from "./types.ts";

/** Attribute and class names used when neither the caller nor the dataset spec names them. */
export const DEFAULT_ATTRIBUTES: Readonly<Record<string, { attribute: string; classes: string[] }>> = {
  smile: { attribute: "Smiling", classes: ["not_smiling", "smiling"] },
  gender: { attribute: "Male", classes: ["female", "male"] },
  eyeglasses: { attribute: "Eyeglasses", classes: ["no_eyeglasses", "eyeglasses"] },
  young: { attribute: "Young", classes: ["old", "young"] },
  age: { attribute: "Young", classes: ["old", "young"] },
};

/** What a dataset spec says about a head (CelebA: attribute and classes; CSV: column). */
export interface SpecHead {
  attribute?: string;
  classes?: string[];
}

/**
 * Resolves heads of a binary-attribute dataset (CelebA layout): attribute from the request, else
 * the spec, else {@link DEFAULT_ATTRIBUTES}, else the head name; two classes (negative, positive).
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
    const fromSpec = specHeads[r.head] ?? {};
    const fallback = DEFAULT_ATTRIBUTES[r.head];
    const attribute = r.attribute ?? fromSpec.attribute ?? fallback?.attribute ?? r.head;
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
