/** The per-epoch progress bar: redrawn in place on a terminal, one line per epoch otherwise. */
import assert from "node:assert/strict";
import { EpochProgress, formatDuration, renderBar } from "../../src/util/progress.ts";
import { memorySink } from "./helpers.ts";

const stats = {
  imagesPerSecond: 35.25,
  loss: 0.9123,
  heads: { smile: { loss: 0.412, accuracy: 0.862 }, gender: { loss: 0.371, accuracy: 0.901 } },
  etaSeconds: 72,
};

Deno.test("renderBar shows batches, images/s, ETA and running loss/accuracy per head", () => {
  assert.equal(
    renderBar("epoch 3/30", 5, 10, stats, 140),
    "epoch 3/30 [###############...............] 5/10  35.3 img/s  ETA 1m12s  loss 0.912  " +
      "smile 0.412/86.2%  gender 0.371/90.1%",
  );
  assert.ok(renderBar("epoch 3/30", 5, 10, stats, 60).length <= 60);
});

Deno.test("formatDuration", () => {
  assert.deepEqual([formatDuration(42), formatDuration(725), formatDuration(11040), formatDuration(NaN)], [
    "42s",
    "12m05s",
    "3h04m",
    "?",
  ]);
});

Deno.test("on a terminal the bar redraws in place and the summary replaces it", () => {
  const sink = memorySink(true);
  const bar = new EpochProgress("epoch 1/2", 3, sink, 0);
  bar.update(1, stats);
  bar.update(3, stats);
  bar.finish("epoch 1/2  loss 0.9");
  const text = sink.text();
  assert.equal(text.split("\r\x1b[K").length, 4); // two frames and the clear before the summary
  assert.ok(text.endsWith("\r\x1b[Kepoch 1/2  loss 0.9\n"));
});

Deno.test("off a terminal only the epoch's summary line is written", () => {
  const sink = memorySink(false);
  const bar = new EpochProgress("epoch 1/2", 3, sink, 0);
  bar.update(1, stats);
  bar.update(3, stats);
  bar.finish("epoch 1/2  loss 0.9");
  assert.equal(sink.text(), "epoch 1/2  loss 0.9\n");
});
