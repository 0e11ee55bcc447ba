/** A file's or folder's info, or undefined when nothing is there (any other error is thrown). */
export async function statIfExists(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/** Whether a file or folder exists (any other error, e.g. a permission problem, is thrown). */
export async function exists(path: string): Promise<boolean> {
  return (await statIfExists(path)) !== undefined;
}
