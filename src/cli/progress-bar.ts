/** A one-line progress bar on a TTY, plain lines otherwise (CI logs). */
export class ProgressBar {
  private lastLine = '';
  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly width = 30,
  ) {}

  static render(done: number, total: number | null, width: number, label: string): string {
    if (!total || total <= 0) return `[${'.'.repeat(width)}] ${label}`;
    const ratio = Math.min(1, Math.max(0, done / total));
    const filled = Math.round(ratio * width);
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${Math.round(ratio * 100)}% ${label}`;
  }

  update(done: number, total: number | null, label: string): void {
    const line = ProgressBar.render(done, total, this.width, label);
    if (line === this.lastLine) return;
    this.lastLine = line;
    if (this.out.isTTY) this.out.write(`\r${line}\x1b[K`);
    else this.out.write(`${line}\n`);
  }

  finish(message: string): void {
    if (this.out.isTTY) this.out.write(`\r${message}\x1b[K\n`);
    else this.out.write(`${message}\n`);
  }
}
