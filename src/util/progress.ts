/**
 * A per-epoch progress bar for training: batches done, images/s, ETA and running loss/accuracy per
 * head, redrawn in place on a terminal. When stdout is not a terminal (a log file, CI) it stays quiet
 * during the epoch and prints one line per epoch.
 *
 * @module
 */

/** Running numbers shown on the bar. */
export interface ProgressStats {
  imagesPerSecond: number;
  /** Running mean of the total loss. */
  loss: number;
  /** Per head: running mean loss and accuracy (fraction). */
  heads: Record<string, { loss: number; accuracy: number }>;
  /** Seconds left in the epoch, if known. */
  etaSeconds?: number;
}

/** Where the bar writes, and whether that is a terminal. */
export interface ProgressSink {
  write(text: string): void;
  isTerminal: boolean;
  /** Terminal width in columns (default 100). */
  columns?: number;
}

/** The process's stdout as a sink. */
export function stdoutSink(): ProgressSink {
  const enc = new TextEncoder();
  let columns = 100;
  try {
    columns = Deno.consoleSize().columns;
  } catch {
    // not a terminal
  }
  return {
    write: (t) => void Deno.stdout.writeSync(enc.encode(t)),
    isTerminal: Deno.stdout.isTerminal(),
    columns,
  };
}

/** `3h04m`, `12m05s`, `42s`; `?` when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/** The per-head part: `smile 0.412/86.2%  gender 0.371/90.1%`. */
export function formatHeads(heads: ProgressStats["heads"]): string {
  return Object.entries(heads)
    .map(([h, v]) => `${h} ${v.loss.toFixed(3)}/${(100 * v.accuracy).toFixed(1)}%`)
    .join("  ");
}

/** One frame of the bar, fitted to `columns`. */
export function renderBar(
  label: string,
  done: number,
  total: number,
  s: ProgressStats,
  columns = 100,
): string {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const tail =
    `${done}/${total}  ${s.imagesPerSecond.toFixed(1)} img/s  ETA ${formatDuration(s.etaSeconds ?? NaN)}` +
    `  loss ${s.loss.toFixed(3)}  ${formatHeads(s.heads)}`;
  const barWidth = Math.max(10, Math.min(30, columns - label.length - tail.length - 5));
  const filled = Math.round(frac * barWidth);
  const line = `${label} [${"#".repeat(filled)}${".".repeat(barWidth - filled)}] ${tail}`;
  return line.length > columns ? line.slice(0, columns - 1) : line;
}

/** A bar for one epoch. `update` redraws (at most every `intervalMs`), `finish` prints the summary line. */
export class EpochProgress {
  #last = 0;
  #start = performance.now();
  #drawn = false;

  constructor(
    readonly label: string,
    readonly total: number,
    readonly sink: ProgressSink = stdoutSink(),
    readonly intervalMs = 100,
  ) {}

  /** `done` of `total` batches are finished; `stats` are the running numbers. */
  update(done: number, stats: ProgressStats): void {
    if (!this.sink.isTerminal) return;
    const now = performance.now();
    if (done < this.total && now - this.#last < this.intervalMs) return;
    this.#last = now;
    const etaSeconds = stats.etaSeconds ??
      (done > 0 ? ((now - this.#start) / 1000) * (this.total - done) / done : NaN);
    const frame = renderBar(this.label, done, this.total, { ...stats, etaSeconds }, this.sink.columns);
    this.sink.write(`\r\x1b[K${frame}`);
    this.#drawn = true;
  }

  /** On a terminal, replaces the bar with a short status (e.g. "validating…") until the next draw. */
  status(text: string): void {
    if (!this.sink.isTerminal) return;
    this.sink.write(`\r\x1b[K${this.label} ${text}`);
    this.#drawn = true;
  }

  /** Clears the bar (on a terminal) and prints `summary` as the epoch's line. */
  finish(summary: string): void {
    this.sink.write(`${this.#drawn ? "\r\x1b[K" : ""}${summary}\n`);
    this.#drawn = false;
  }

  /** Prints a message above the bar without garbling it. */
  log(message: string): void {
    this.sink.write(`${this.#drawn ? "\r\x1b[K" : ""}${message}\n`);
    this.#drawn = false;
  }
}
