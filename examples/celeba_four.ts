// Four CelebA attributes with a fan and a chain of dependencies, mixing edge kinds:
//   smile ← gender (attention), glasses ← gender (concat, Ludwig-style),
//   young ← smile (attention on smile's *attended* vector: a chain young ← smile ← gender)
//          and young ← glasses (attention), combined by mean.
// The trunk is ResNet50 shared up to conv4; each head owns a copy of the last stage's final block.
import { attention, concat, graph } from "../src/dsl/mod.ts";
import { attributeHead, resnet50 } from "../stdlib/mod.ts";

const branch = [resnet50.block("conv5_block3")];

export default graph({
  name: "celeba_four",
  input: [224, 224, 3],
  trunk: [resnet50.upTo("conv5_block2")],
  heads: {
    gender: attributeHead("Male", ["female", "male"], { branch }),
    smile: {
      ...attributeHead("Smiling", ["non-smile", "smile"], { branch }),
      dependsOn: { gender: attention() },
    },
    glasses: {
      ...attributeHead("Eyeglasses", ["none", "glasses"], { branch }),
      dependsOn: { gender: concat() },
    },
    young: {
      ...attributeHead("Young", ["older", "young"], { branch, lossWeight: 0.5 }),
      dependsOn: { smile: attention({ context: "attended" }), glasses: attention() },
      combine: "mean",
    },
  },
});
