/**
 * Temporary folders for tests that are removed when the test file's tests have all run (also when a
 * test fails), so the suite leaves nothing behind in the temp directory. Import this module from a
 * test file (directly or through a helper): the clean-up is registered for that file.
 */
const made: string[] = [];

Deno.test.afterAll(async () => {
  for (const dir of made.splice(0).reverse()) {
    await Deno.remove(dir, { recursive: true }).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
  }
});

/** A fresh temp folder, removed after the test file's last test. */
export async function tempDir(prefix = "mtl-test-"): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  made.push(dir);
  return dir;
}
