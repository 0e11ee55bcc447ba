/**
 * The data path at full scale, measured once (not in CI): a 200,000-image training split made of the
 * CelebA sample repeated (20 copies of its 10,000 images, as links), decoded at 224×224 into the cache
 * (30 GB, more than this machine's memory), then fed as training batches under the data memory budget.
 * Reports the cache build time and rate, the feed's images/s, and the peak resident memory of each.
 *
 * `deno task bench:data-scale [--source ../shared/data/celeba-10k] [--copies 20] [--size 224]
 *   [--seconds 60] [--data-memory 2GiB] [--dir DIR] [--keep]`
 *
 * Everything goes into a temp folder (or `--dir`), removed at the end unless `--keep`; a result JSON
 * goes to `out/bench/data-scale-<time>.json`.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DataMemory, formatBytes, type LoadProgress, openDataset, openImages } from "../src/data/mod.ts";
import { defaultPreprocessing } from "../src/run/config.ts";
import { writeFileAtomic } from "../src/util/atomic.ts";
import { measureFeed } from "./data_pipeline.ts";

/** Peak resident memory, sampled every 100 ms while `fn` runs. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakRss: number }> {
  let peakRss = Deno.memoryUsage().rss;
  const timer = setInterval(() => peakRss = Math.max(peakRss, Deno.memoryUsage().rss), 100);
  try {
    const value = await fn();
    return { value, peakRss: Math.max(peakRss, Deno.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Writes a CelebA-layout folder whose train split is `copies` copies of every image of `source`
 * (links named `cNN_<id>`), with the source's val and test images as val and test.
 */
async function repeatedCeleba(source: string, out: string, copies: number): Promise<number> {
  const attrs = (await Deno.readTextFile(join(source, "list_attr_celeba.txt"))).split(/\r?\n/);
  const partition = new Map(
    (await Deno.readTextFile(join(source, "list_eval_partition.txt"))).split(/\r?\n/).filter(Boolean)
      .map((l) => l.trim().split(/\s+/) as [string, string]),
  );
  const rows = attrs.slice(2).filter((l) => l.trim());
  const images = join(out, "img_align_celeba");
  await Deno.mkdir(images, { recursive: true });
  const attrLines: string[] = [];
  const partLines: string[] = [];
  const add = async (name: string, id: string, rest: string, split: string) => {
    await Deno.symlink(resolve(source, "img_align_celeba", id), join(images, name));
    attrLines.push(`${name} ${rest}`);
    partLines.push(`${name} ${split}`);
  };
  for (let c = 0; c < copies; c++) {
    for (const row of rows) {
      const [id, ...rest] = row.trim().split(/\s+/);
      await add(`c${String(c).padStart(2, "0")}_${id}`, id, rest.join(" "), "0");
    }
  }
  for (const row of rows) {
    const [id, ...rest] = row.trim().split(/\s+/);
    if (partition.get(id) !== "0") await add(`held_${id}`, id, rest.join(" "), partition.get(id)!);
  }
  await Deno.writeTextFile(
    join(out, "list_attr_celeba.txt"),
    [attrLines.length, attrs[1], ...attrLines].join("\n") + "\n",
  );
  await Deno.writeTextFile(join(out, "list_eval_partition.txt"), partLines.join("\n") + "\n");
  return copies * rows.length;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      source: { type: "string", default: "../shared/data/celeba-10k" },
      copies: { type: "string", default: "20" },
      size: { type: "string", default: "224" },
      seconds: { type: "string", default: "60" },
      "data-memory": { type: "string", default: "2GiB" },
      dir: { type: "string" },
      keep: { type: "boolean", default: false },
    },
  });
  const count = (flag: string, text: string) => {
    const n = Number(text);
    if (Number.isInteger(n) && n >= 1) return n;
    console.error(`error: --${flag}: expected a whole number ≥ 1, got "${text}"`);
    Deno.exit(1);
  };
  const copies = count("copies", values.copies), size = count("size", values.size);
  const seconds = count("seconds", values.seconds);
  const { parseByteSize } = await import("../src/data/memory.ts");
  const budget = parseByteSize(values["data-memory"], "--data-memory");
  const dir = values.dir ?? await Deno.makeTempDir({ prefix: "data-scale-" });
  const log = (line: string) => console.log(line);
  try {
    const data = join(dir, "celeba-repeated");
    let t = performance.now();
    const train = await repeatedCeleba(values.source, data, copies);
    log(
      `dataset: ${train} training images (${copies} × ${values.source}) at ${data} (${
        ((performance.now() - t) / 1000).toFixed(1)
      } s)`,
    );

    t = performance.now();
    const ds = await openDataset(data, [{ head: "smile" }, { head: "gender" }]);
    const openSeconds = (performance.now() - t) / 1000;
    log(`opened in ${openSeconds.toFixed(1)} s`);

    const memory = new DataMemory(budget);
    let last: LoadProgress | undefined, lastLine = 0;
    t = performance.now();
    const build = await withPeakRss(() =>
      openImages(ds, "train", defaultPreprocessing(size), {
        cacheDir: join(dir, "cache"),
        memory,
        onProgress: (p) => {
          last = p;
          if (performance.now() - lastLine < 10_000) return;
          lastLine = performance.now();
          log(
            `  building: ${p.done}/${p.total}  ${Math.round(p.rate ?? 0)} images/s  ETA ${
              Math.round(p.etaSeconds ?? 0)
            } s`,
          );
        },
      })
    );
    const buildSeconds = (performance.now() - t) / 1000;
    const set = build.value;
    const setBytes = set.count * size * size * 3;
    log(
      `cache built: ${set.count} images, ${formatBytes(setBytes)} in ${buildSeconds.toFixed(0)} s ` +
        `(${(set.count / buildSeconds).toFixed(0)} images/s overall, decoding ${
          Math.round(last?.rate ?? 0)
        }/s); ` +
        `peak RSS ${formatBytes(build.peakRss)}; ${"pixelFile" in set ? "streamed" : "in memory"} under ${
          formatBytes(budget)
        }`,
    );

    const feed = await measureFeed(set, { batchSize: 64, seconds });
    log(
      `feed: ${
        feed.imagesPerSecond.toFixed(0)
      } images/s at ${size}×${size}, batch 64, ${feed.workers} worker(s), ` +
        `${feed.images} images in ${feed.seconds.toFixed(1)} s; RSS ${
          formatBytes(feed.rssBeforeBytes)
        } → peak ` +
        `${formatBytes(feed.peakRssBytes)}`,
    );
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: navigator.hardwareConcurrency, deno: Deno.version.deno },
      trainImages: set.count,
      size,
      setBytes,
      dataMemoryBytes: budget,
      streamed: "pixelFile" in set,
      openSeconds,
      build: {
        seconds: buildSeconds,
        imagesPerSecond: set.count / buildSeconds,
        peakRssBytes: build.peakRss,
      },
      feed,
    };
    const out = join("out", "bench", `data-scale-${result.date.replace(/[:.]/g, "-")}.json`);
    await writeFileAtomic(out, JSON.stringify(result, null, 2) + "\n");
    log(`wrote ${out}`);
  } finally {
    if (values.keep) log(`kept ${dir}`);
    else await Deno.remove(dir, { recursive: true });
  }
}
