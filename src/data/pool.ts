/**
 * Runs `task(i)` for i in 0..n-1 with at most `concurrency` in flight; resolves when all are done.
 * The first rejection stops new tasks from starting and is rethrown.
 */
export async function runPool(
  n: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async () => {
    while (!failed && next < n) {
      const i = next++;
      try {
        await task(i);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, n)) }, worker));
  if (failed) throw failed.error;
}
