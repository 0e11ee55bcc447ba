/**
 * The oneDNN runtime objects this backend keeps: one CPU engine and stream, memory descriptors as byte
 * buffers, and primitives with their argument memories bound once, so that running one is a handful of
 * FFI calls (set each argument's data pointer, execute, wait).
 *
 * Data stays in JavaScript typed arrays (the cpu backend's storage): oneDNN reads and writes them in
 * place through their pointers. A primitive is only ever executed synchronously, within one JavaScript
 * call, so the arrays cannot be collected or moved while oneDNN uses them.
 *
 * @module
 */
import { ENGINE_CPU, F32, SIZE, STATUS, STREAM_DEFAULT } from "./abi.ts";
import type { Dnnl } from "./lib.ts";

/** A oneDNN call failed: a bug in this backend or an unsupported case (never a user mistake). */
export class OnednnError extends Error {
  constructor(what: string, status: number) {
    super(`oneDNN ${what} failed: ${STATUS[status] ?? `status ${status}`}`);
    this.name = "OnednnError";
  }
}

/** Throws {@link OnednnError} unless `status` is success. */
export function check(status: number, what: string): void {
  if (status !== 0) throw new OnednnError(what, status);
}

/** A pointer written by a C function into an out-parameter (`T*`). */
class OutPointer {
  readonly cell = new BigUint64Array(1);
  get value(): Deno.PointerValue {
    return Deno.UnsafePointer.create(this.cell[0]);
  }
}

/** `dnnl_dims_t` (int64[12]) from numbers. */
export function dims(values: readonly number[]): BigInt64Array {
  const d = new BigInt64Array(12);
  values.forEach((v, i) => d[i] = BigInt(v));
  return d;
}

/** Primitives kept per engine. */
export const MAX_PRIMITIVES = 2048;

/** A memory descriptor: 696 bytes owned by JavaScript. */
export class MemoryDesc {
  constructor(readonly bytes: Uint8Array) {}
}

/** The engine, stream and helpers every kernel uses. */
export class Engine {
  readonly engine: Deno.PointerValue;
  readonly stream: Deno.PointerValue;
  /** Primitives by a key of their kind and shapes: created once, executed many times. */
  readonly primitives = new Map<string, Primitive>();
  /** Native objects alive and primitives run (tests check them for leaks and for use). */
  readonly counts = { primitives: 0, memories: 0, runs: 0 };

  constructor(readonly dnnl: Dnnl) {
    const e = new OutPointer();
    check(dnnl.dnnl_engine_create(e.cell, ENGINE_CPU, 0n), "engine create");
    this.engine = e.value;
    const s = new OutPointer();
    check(dnnl.dnnl_stream_create(s.cell, this.engine, STREAM_DEFAULT), "stream create");
    this.stream = s.value;
  }

  /** A float32 memory descriptor of `shape` in the layout `tag` (`TAG.any` lets a primitive choose). */
  md(shape: readonly number[], tag: number): MemoryDesc {
    const bytes = new Uint8Array(SIZE.memoryDesc);
    check(this.dnnl.dnnl_memory_desc_init_by_tag(bytes, shape.length, dims(shape), F32, tag), "memory desc");
    return new MemoryDesc(bytes);
  }

  /**
   * The cached primitive under `key`, or the one `make` creates (then cached). The least recently used
   * are destroyed beyond {@link MAX_PRIMITIVES} (a model needs a few hundred).
   */
  cached(key: string, make: () => Primitive): Primitive {
    let p = this.primitives.get(key);
    if (p) {
      this.primitives.delete(key); // re-insert: Map order is recency
    } else {
      p = make();
      if (this.primitives.size >= MAX_PRIMITIVES) {
        const [oldest, old] = this.primitives.entries().next().value!;
        this.primitives.delete(oldest);
        old.destroy();
      }
    }
    this.primitives.set(key, p);
    return p;
  }

  /**
   * A primitive from an op descriptor (`desc` filled by a `*_desc_init`), with an optional forward
   * primitive as the hint backward primitives need.
   */
  primitive(desc: Uint8Array, hint?: Primitive, attr: Deno.PointerValue = null): Primitive {
    const pd = new OutPointer();
    check(
      this.dnnl.dnnl_primitive_desc_create(pd.cell, desc, attr, this.engine, hint?.pd ?? null),
      "primitive desc create",
    );
    return new Primitive(this, pd.value);
  }

  /** A reorder primitive between two layouts of the same tensor. */
  reorder(from: MemoryDesc, to: MemoryDesc): Primitive {
    const pd = new OutPointer();
    check(
      this.dnnl.dnnl_reorder_primitive_desc_create(
        pd.cell,
        from.bytes,
        this.engine,
        to.bytes,
        this.engine,
        null,
      ),
      "reorder desc create",
    );
    return new Primitive(this, pd.value);
  }

  /** A sum primitive: dst = Σ scales[i]·src[i], all of layout `md`. */
  sum(md: MemoryDesc, scales: readonly number[]): Primitive {
    const pd = new OutPointer();
    const srcs = new Uint8Array(SIZE.memoryDesc * scales.length);
    scales.forEach((_, i) => srcs.set(md.bytes, i * SIZE.memoryDesc));
    check(
      this.dnnl.dnnl_sum_primitive_desc_create(
        pd.cell,
        md.bytes,
        scales.length,
        new Uint8Array(Float32Array.from(scales).buffer),
        srcs,
        null,
        this.engine,
      ),
      "sum desc create",
    );
    return new Primitive(this, pd.value);
  }

  /** Destroys every cached primitive and its memories (tests use it to check native memory). */
  clear(): void {
    for (const p of this.primitives.values()) p.destroy();
    this.primitives.clear();
  }
}

/** A created primitive with one memory object per argument, rebound to new data on each run. */
export class Primitive {
  readonly prim: Deno.PointerValue;
  private readonly memories = new Map<number, Deno.PointerValue>();
  private args = new Uint8Array(0);

  constructor(private readonly ctx: Engine, readonly pd: Deno.PointerValue) {
    const p = new OutPointer();
    check(ctx.dnnl.dnnl_primitive_create(p.cell, pd), "primitive create");
    this.prim = p.value;
    ctx.counts.primitives++;
  }

  /** A memory descriptor the primitive chose (`QUERY.*Md`), copied out. */
  query(what: number, index = 0): MemoryDesc {
    const ptr = this.ctx.dnnl.dnnl_primitive_desc_query_md(this.pd, what, index);
    if (!ptr) throw new OnednnError(`query ${what}`, 2);
    const bytes = new Uint8Array(SIZE.memoryDesc);
    new Deno.UnsafePointerView(ptr).copyInto(bytes);
    return new MemoryDesc(bytes);
  }

  /** Bytes of a descriptor's data (blocked layouts may pad). */
  bytes(md: MemoryDesc): number {
    return Number(this.ctx.dnnl.dnnl_memory_desc_get_size(md.bytes));
  }

  /** Binds argument `arg` (a `DNNL_ARG_*`) to a memory of layout `md`; its data is given at run time. */
  bind(arg: number, md: MemoryDesc): this {
    if (this.memories.has(arg)) throw new Error(`argument ${arg} is already bound`);
    const m = new OutPointer();
    check(this.ctx.dnnl.dnnl_memory_create(m.cell, md.bytes, this.ctx.engine, null), "memory create");
    this.memories.set(arg, m.value);
    this.ctx.counts.memories++;
    const args = new Uint8Array(this.memories.size * SIZE.execArg);
    const view = new DataView(args.buffer);
    let i = 0;
    for (const [a, mem] of this.memories) {
      view.setInt32(i * SIZE.execArg, a, true);
      view.setBigUint64(i * SIZE.execArg + 8, BigInt(Deno.UnsafePointer.value(mem)), true);
      i++;
    }
    this.args = args;
    return this;
  }

  /** Runs the primitive on `data` (argument → typed array) and waits for it to finish. */
  run(data: ReadonlyArray<readonly [number, ArrayBufferView]>): void {
    const dnnl = this.ctx.dnnl;
    if (data.length !== this.memories.size) {
      throw new Error(`primitive run with ${data.length} arguments, ${this.memories.size} bound`);
    }
    for (const [arg, view] of data) {
      const mem = this.memories.get(arg);
      if (mem === undefined) throw new Error(`argument ${arg} is not bound`);
      check(dnnl.dnnl_memory_set_data_handle(mem, Deno.UnsafePointer.of(view)), "set data handle");
    }
    check(dnnl.dnnl_primitive_execute(this.prim, this.ctx.stream, this.memories.size, this.args), "execute");
    this.ctx.counts.runs++;
    check(dnnl.dnnl_stream_wait(this.ctx.stream), "stream wait");
  }

  /** Frees the primitive, its descriptor and memories. */
  destroy(): void {
    const dnnl = this.ctx.dnnl;
    for (const m of this.memories.values()) dnnl.dnnl_memory_destroy(m);
    this.ctx.counts.memories -= this.memories.size;
    this.ctx.counts.primitives--;
    this.memories.clear();
    dnnl.dnnl_primitive_destroy(this.prim);
    dnnl.dnnl_primitive_desc_destroy(this.pd);
  }
}
