// Beyond the paper: small_attention_mtl with a learned softmax temperature on each attention module
// (`temperature: "learned"`), so a module can sharpen past tanh's bound. Not the paper's form: each
// edge adds K' = 64 parameters (logBeta) to the paper's 128. Compare it with `deno task experiment`
// like any other graph.
import { attention, withEdges } from "../src/dsl/mod.ts";
import smallTmtl from "./small_tmtl.ts";

export default withEdges(smallTmtl, "small_attention_mtl_sharp", {
  smile: { dependsOn: { gender: attention({ temperature: "learned" }) } },
  gender: { dependsOn: { smile: attention({ temperature: "learned" }) } },
});
