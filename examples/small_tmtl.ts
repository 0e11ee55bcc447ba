// The paper's TMTL layout at CPU size: a small residual trunk shared up to its second stage, each
// task with its own copy of the last stage, pooling, a 64-unit FC layer and a softmax. 64×64 input.
import { graph } from "../src/dsl/mod.ts";
import { attributeHead, small } from "../stdlib/mod.ts";

export default graph({
  name: "small_tmtl",
  input: [64, 64, 3],
  trunk: [small.trunk([32, 64])],
  heads: {
    smile: attributeHead("Smiling", ["non-smile", "smile"], { branch: [small.block("stage3", 128, 2)] }),
    gender: attributeHead("Male", ["female", "male"], { branch: [small.block("stage3", 128, 2)] }),
  },
});
