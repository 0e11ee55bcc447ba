import type { IR } from "../ir.ts";

/** The IR as stable, pretty JSON (the order of nodes is execution order; keys keep insertion order). */
export function irToJson(ir: IR): string {
  return JSON.stringify(ir, null, 2) + "\n";
}
