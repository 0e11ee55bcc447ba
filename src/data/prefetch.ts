/**
 * Wraps a (sync or async) iterable so that the next `depth` items are prepared ahead: as soon as an
 * item is handed out, production of the following one is scheduled on a macrotask, so it runs in the
 * event-loop gaps while the consumer awaits (e.g. a training step awaiting its tensors). JS is single
 * threaded, so this overlaps batch preparation with asynchronous work only; with a synchronous
 * consumer it behaves like the plain iterator. Order is preserved; an error surfaces at its item.
 */
export async function* prefetch<T>(source: Iterable<T> | AsyncIterable<T>, depth = 1): AsyncGenerator<T> {
  const it: Iterator<T> | AsyncIterator<T> = Symbol.asyncIterator in source
    ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (source as Iterable<T>)[Symbol.iterator]();
  const queue: Promise<IteratorResult<T>>[] = [];
  let tail: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const pull = () => {
    const p = tail
      .then(() => new Promise((resolve) => setTimeout(resolve, 0)))
      .then(() => (stopped ? { done: true as const, value: undefined } : it.next()));
    tail = p.catch(() => {}); // also marks p as handled; it is rethrown when awaited below
    queue.push(p);
  };
  try {
    for (let k = 0; k < Math.max(1, depth); k++) pull();
    while (true) {
      const r = await queue.shift()!;
      if (r.done) return;
      pull();
      yield r.value;
    }
  } finally {
    stopped = true;
    await tail;
    await it.return?.();
  }
}
