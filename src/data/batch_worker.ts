/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * A batch worker: reads a batch's images (from pixels shared with the training thread, or from the
 * cache file) and writes them, augmented, as floats into a buffer (a recycled one when the feed sends
 * one) that it hands back, transferred, not copied. Started by `BatchFeed`; the protocol is in
 * feed_protocol.ts.
 *
 * @module
 */
import { assemblePixels } from "./batches.ts";
import type { FeedReply, FeedRequest, FeedSource } from "./feed_protocol.ts";
import { memoryRows, PixelFile, type RowBytes } from "./pixel_file.ts";

let source: FeedSource | undefined;
let file: PixelFile | undefined;
/** Read buffers of finished batches, reused (fresh large buffers cost page faults on every batch). */
const staging: Uint8Array[] = [];

function rowBytes(rows: Int32Array): RowBytes | Promise<RowBytes> {
  if (!source) throw new Error("batch worker: no source");
  const px = source.size * source.size * 3;
  if (source.kind === "memory") return memoryRows(source.pixels, px, rows);
  file ??= PixelFile.open(source.path, px, source.count, source.handles);
  return file.read(rows, staging.pop());
}

self.onmessage = async (e: MessageEvent<FeedRequest>) => {
  const m = e.data;
  if (m.type === "source") {
    source = m.source;
    return;
  }
  let reply: FeedReply;
  try {
    const { job } = m;
    const src = await rowBytes(job.rows);
    const floats = job.rows.length * job.size * job.size * 3;
    const x = job.out?.length === floats ? job.out : new Float32Array(floats);
    assemblePixels(src, job.size, job, job.first, x);
    if (source?.kind === "file") staging.push(src.bytes);
    reply = { id: m.id, x };
    self.postMessage(reply, [x.buffer]);
  } catch (err) {
    const u = err as { name?: string; where?: string; detail?: string; message?: string };
    reply = {
      id: m.id,
      error: u.name === "UserError"
        ? { where: u.where ?? "", detail: u.detail ?? "" }
        : { message: String(u.message ?? err) },
    };
    self.postMessage(reply);
  }
};
