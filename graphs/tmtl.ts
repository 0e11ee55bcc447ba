// Traditional multi-task learning (TMTL), the paper's baseline: a ResNet50 trunk shared up to
// res5b (Keras' conv5_block2_out); each task owns a copy of conv5_block3, pooling, a 64-unit FC
// layer and a softmax classifier.
import { graph } from "../src/dsl/mod.ts";
import { attributeHead, resnet50 } from "../stdlib/mod.ts";

export default graph({
  name: "tmtl",
  input: [224, 224, 3],
  trunk: [resnet50.upTo("conv5_block2")],
  heads: {
    smile: attributeHead("Smiling", ["non-smile", "smile"], { branch: [resnet50.block("conv5_block3")] }),
    gender: attributeHead("Male", ["female", "male"], { branch: [resnet50.block("conv5_block3")] }),
  },
});
