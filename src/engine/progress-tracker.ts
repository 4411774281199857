/**
 * Rate and ETA of a copy from (time, bytes) samples: the average rate over a sliding window, so
 * a burst or a pause does not swing the ETA wildly. Pure (time is passed in), unit-tested.
 */
export class ProgressTracker {
  private readonly samples: { at: number; bytes: number }[] = [];

  constructor(
    private total: number,
    private readonly windowMs = 10_000,
  ) {}

  setTotal(total: number): void {
    this.total = total;
  }

  record(at: number, bytesDone: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && bytesDone < last.bytes) this.samples.length = 0; // a restart (resume) resets the window
    this.samples.push({ at, bytes: bytesDone });
    while (this.samples.length > 2 && at - this.samples[0]!.at > this.windowMs) this.samples.shift();
  }

  /** Bytes per second over the window; null until two samples are far enough apart. */
  rate(): number | null {
    if (this.samples.length < 2) return null;
    const first = this.samples[0]!;
    const last = this.samples[this.samples.length - 1]!;
    const ms = last.at - first.at;
    if (ms < 200) return null;
    return ((last.bytes - first.bytes) * 1000) / ms;
  }

  /** Seconds left at the current rate; 0 when done, null when unknown. */
  eta(): number | null {
    const last = this.samples[this.samples.length - 1];
    if (!last) return null;
    const left = Math.max(0, this.total - last.bytes);
    if (left === 0) return 0;
    const r = this.rate();
    if (r === null || r <= 0) return null;
    return left / r;
  }
}
