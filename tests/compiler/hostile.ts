/**
 * Names JavaScript objects already carry (`__proto__` and the members of Object.prototype), plus
 * `prototype`: as graph names, head names, `dependsOn` keys or layer names, each must work or be
 * refused with one line. Shared by the hostile-input tests.
 */
export const HOSTILE_NAMES: readonly string[] = [
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "prototype",
  "valueOf",
  "isPrototypeOf",
  "__defineGetter__",
  "toLocaleString",
];
