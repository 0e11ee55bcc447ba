/** The convolution shape table the backend kernels are tested on (wasm and onednn). */
export type Pad = "same" | "valid" | [[0, 0], [number, number], [number, number], [0, 0]];
export interface Case {
  x: [number, number, number, number]; // N, H, W, Ci
  k: [number, number]; // KH, KW
  co: number;
  s: [number, number];
  pad: Pad;
}

const ex = (t: number, b: number, l: number, r: number): Pad => [[0, 0], [t, b], [l, r], [0, 0]];
export const CASES: Case[] = [
  { x: [1, 6, 6, 3], k: [1, 1], co: 4, s: [1, 1], pad: "valid" },
  { x: [2, 7, 5, 3], k: [1, 1], co: 5, s: [2, 2], pad: "valid" },
  { x: [1, 8, 8, 4], k: [1, 1], co: 3, s: [2, 2], pad: "same" },
  { x: [1, 7, 7, 2], k: [1, 1], co: 3, s: [3, 3], pad: "same" },
  { x: [2, 6, 6, 2], k: [1, 1], co: 2, s: [1, 1], pad: ex(1, 0, 0, 1) },
  { x: [1, 5, 5, 3], k: [3, 3], co: 4, s: [1, 1], pad: "same" },
  { x: [2, 9, 7, 3], k: [3, 3], co: 5, s: [1, 1], pad: "valid" },
  { x: [1, 8, 8, 3], k: [3, 3], co: 4, s: [2, 2], pad: "same" },
  { x: [2, 9, 9, 2], k: [3, 3], co: 3, s: [2, 2], pad: "same" },
  { x: [1, 8, 8, 2], k: [3, 3], co: 3, s: [2, 2], pad: "valid" }, // last input row unused
  { x: [1, 10, 11, 2], k: [3, 3], co: 3, s: [3, 3], pad: "valid" },
  { x: [2, 10, 10, 3], k: [3, 3], co: 2, s: [3, 3], pad: "same" },
  { x: [1, 7, 9, 2], k: [3, 3], co: 3, s: [2, 1], pad: ex(1, 2, 0, 1) },
  { x: [1, 6, 6, 2], k: [2, 2], co: 3, s: [2, 2], pad: ex(2, 2, 1, 0) }, // padding wider than the kernel
  { x: [1, 11, 9, 3], k: [5, 5], co: 4, s: [2, 2], pad: "same" },
  { x: [2, 12, 12, 2], k: [5, 5], co: 3, s: [1, 1], pad: ex(2, 2, 2, 2) },
  { x: [1, 15, 15, 3], k: [7, 7], co: 4, s: [2, 2], pad: "same" },
  { x: [1, 16, 16, 3], k: [7, 7], co: 4, s: [2, 2], pad: "valid" },
  { x: [1, 13, 13, 2], k: [7, 7], co: 3, s: [3, 3], pad: ex(3, 3, 3, 3) },
  { x: [1, 9, 8, 3], k: [3, 1], co: 4, s: [1, 2], pad: "same" },
  { x: [1, 8, 9, 2], k: [1, 5], co: 3, s: [2, 1], pad: "valid" },
];
