// The paper's attention MTL at CPU size: small_tmtl plus the two attention edges.
import { attention, withEdges } from "../src/dsl/mod.ts";
import smallTmtl from "./small_tmtl.ts";

export default withEdges(smallTmtl, "small_attention_mtl", {
  smile: { dependsOn: { gender: attention() } },
  gender: { dependsOn: { smile: attention() } },
});
