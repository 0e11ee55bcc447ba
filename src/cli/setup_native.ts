/**
 * `deno task setup-native [--check]`: makes the onednn backend available. It needs oneDNN 2.x's C
 * library (`libdnnl.so.2`); on Debian and Ubuntu that is the package `libdnnl2`, which this command
 * installs with apt-get when run as root (saying what it runs); otherwise it prints the command to run.
 */
import { installHint, openOnednn } from "../backend/onednn/mod.ts";
import { UserError } from "../util/errors.ts";
import { defineCommand } from "./command.ts";

/** The `ID` and `ID_LIKE` words of /etc/os-release, lower-case. */
function distroIds(): string[] {
  try {
    const text = Deno.readTextFileSync("/etc/os-release");
    return [...text.matchAll(/^(?:ID|ID_LIKE)=(.*)$/gm)].flatMap((m) =>
      m[1].replace(/"/g, "").toLowerCase().split(/\s+/)
    );
  } catch {
    return [];
  }
}

async function run(argv: string[]): Promise<boolean> {
  console.log(`$ ${argv.join(" ")}`);
  try {
    const { code } = await new Deno.Command(argv[0], { args: argv.slice(1), stdin: "inherit" }).spawn()
      .status;
    return code === 0;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** The `setup-native` command. */
export const SETUP_NATIVE = defineCommand({
  name: "setup-native",
  usage: "[--check]",
  about: "Installs oneDNN 2.x (Debian/Ubuntu package libdnnl2, the library PyTorch uses on CPUs) so that\n" +
    "--backend onednn (and auto) trains on every core. As root on Debian/Ubuntu it runs\n" +
    "`apt-get install -y libdnnl2`; otherwise it prints the command to run.",
  flags: {
    check: { type: "boolean", default: false, help: "only say whether oneDNN loads; install nothing" },
  },
}, async ({ values }) => {
  const found = openOnednn();
  if (typeof found !== "string") {
    console.log(`oneDNN ${found.version} loads (${found.path}, ${found.runtime}): --backend auto uses it.`);
    return;
  }
  console.log(found);
  if (values.check) throw new UserError("", installHint());
  const ids = distroIds();
  if (Deno.build.os !== "linux" || !ids.some((id) => id === "debian" || id === "ubuntu")) {
    throw new UserError("", `not a Debian/Ubuntu system: ${installHint()}`);
  }
  if (Deno.uid() !== 0) {
    throw new UserError("", "run as root, or run: sudo apt-get install -y libdnnl2 (Debian's oneDNN 2.x)");
  }
  console.log("installing Debian's libdnnl2 (oneDNN 2.x, about 20 MB with its dependencies)");
  const install = ["apt-get", "install", "-y", "libdnnl2"];
  // A fresh machine may not have the package lists yet.
  if (!(await run(install)) && !((await run(["apt-get", "update"])) && (await run(install)))) {
    throw new UserError(
      "",
      "apt-get could not install libdnnl2 (this release may ship only oneDNN 3.x, which the backend does not " +
        "support yet); the wasm backend still works: --backend wasm",
    );
  }
  const after = openOnednn({ retry: true });
  if (typeof after === "string") throw new UserError("", `installed, but ${after}`);
  console.log(`oneDNN ${after.version} loads (${after.path}): --backend auto now uses it.`);
});

if (import.meta.main) SETUP_NATIVE.main();
