// The paper's task-dependency network: TMTL plus two attention edges. Each task's FC units are
// re-weighted by attention modules driven by the other task's FC units (eq. 3–6, 9–12).
import { attention, withEdges } from "../src/dsl/mod.ts";
import tmtl from "./tmtl.ts";

export default withEdges(tmtl, "attention_mtl", {
  smile: { dependsOn: { gender: attention() } },
  gender: { dependsOn: { smile: attention() } },
});
