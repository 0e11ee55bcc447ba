/**
 * Recycled float32 buffers for kernel outputs. A training step writes tens of gigabytes of fresh
 * outputs (ResNet50 at 224×224, batch 64): a new ArrayBuffer each time is new pages from the kernel,
 * faulted in and zeroed on first touch, and released only when V8 next collects. Reusing the buffers of
 * disposed tensors of the same length removes that (PyTorch's CPU allocator reuses its blocks too).
 *
 * A buffer goes back to the pool only when no tensor data refers to it any more: the backend counts the
 * data entries per ArrayBuffer (a cpu kernel may return a view of its input), and hands out copies when
 * a pooled buffer is read from outside (`dataSync` / `data`), so no caller keeps one.
 *
 * @module
 */

/** Buffers at least this long are pooled; smaller ones are cheap to allocate. */
export const POOL_MIN_LENGTH = 4096;

/** A pool of float32 buffers by length, holding at most `capacityBytes`. */
export class BufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  private readonly owned = new WeakSet<ArrayBuffer>();
  private readonly references = new Map<ArrayBuffer, number>();
  private pooledBytes = 0;
  /** Counters, for tests and the bench. */
  readonly stats = { allocated: 0, reused: 0, returned: 0, dropped: 0 };

  constructor(readonly capacityBytes: number) {}

  /** A buffer of `n` floats; recycled ones hold old values (set `zero` when the caller needs zeros). */
  take(n: number, zero = false): Float32Array {
    if (n >= POOL_MIN_LENGTH) {
      const list = this.free.get(n);
      const reused = list?.pop();
      if (reused) {
        this.pooledBytes -= reused.byteLength;
        this.stats.reused++;
        if (zero) reused.fill(0);
        return reused;
      }
    }
    // An explicit ArrayBuffer lives off the V8 heap whatever its size: oneDNN keeps its address.
    const a = new Float32Array(new ArrayBuffer(Math.max(4, n * 4)), 0, n);
    if (n >= POOL_MIN_LENGTH) this.owned.add(a.buffer);
    this.stats.allocated++;
    return a;
  }

  /** True when `values` is a pooled buffer (reads from outside must copy it). */
  isPooled(values: unknown): boolean {
    return values instanceof Float32Array && this.owned.has(values.buffer as ArrayBuffer);
  }

  /** A tensor's data now refers to `values`. */
  retain(values: unknown): void {
    if (!this.isPooled(values)) return;
    const buf = (values as Float32Array).buffer as ArrayBuffer;
    this.references.set(buf, (this.references.get(buf) ?? 0) + 1);
  }

  /** A tensor's data no longer refers to `values`; the last reference returns the buffer to the pool. */
  release(values: unknown): void {
    if (!this.isPooled(values)) return;
    const buf = (values as Float32Array).buffer as ArrayBuffer;
    const left = (this.references.get(buf) ?? 1) - 1;
    if (left > 0) {
      this.references.set(buf, left);
      return;
    }
    this.references.delete(buf);
    const whole = new Float32Array(buf);
    if (this.pooledBytes + buf.byteLength > this.capacityBytes) {
      this.stats.dropped++;
      return; // left to the garbage collector
    }
    let list = this.free.get(whole.length);
    if (!list) this.free.set(whole.length, list = []);
    list.push(whole);
    this.pooledBytes += buf.byteLength;
    this.stats.returned++;
  }

  /** Returns a scratch buffer from {@link take} that no tensor refers to. */
  recycle(values: Float32Array): void {
    const buf = values.buffer as ArrayBuffer;
    if (!this.owned.has(buf) || this.references.has(buf)) return;
    this.references.set(buf, 1);
    this.release(values);
  }

  /** Bytes waiting in the pool. */
  get bytes(): number {
    return this.pooledBytes;
  }

  /** Drops every pooled buffer (to the garbage collector). */
  clear(): void {
    this.free.clear();
    this.pooledBytes = 0;
  }
}
