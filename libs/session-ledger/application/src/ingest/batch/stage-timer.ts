/**
 * Wall time per stage of an ingest chunk, summed over the process's life and printed every `every` chunks when
 * INGEST_PROFILE is set (off by default: no cost but a branch). Used to find where a chunk's time goes under the
 * benchmark; see docs/services/session-ledger.md, Benchmark.
 */
export class StageTimer {
  private readonly totals = new Map<string, number>();
  private chunks = 0;
  private items = 0;
  private last = 0n;

  constructor(
    readonly enabled: boolean,
    private readonly every = 20,
    private readonly write: (line: string) => void = (line) => void process.stderr.write(`${line}\n`),
  ) {}

  static fromEnv(): StageTimer {
    return new StageTimer(Boolean(process.env['INGEST_PROFILE']));
  }

  begin(): void {
    if (this.enabled) this.last = process.hrtime.bigint();
  }

  mark(stage: string): void {
    if (!this.enabled) return;
    const now = process.hrtime.bigint();
    if (this.last === 0n) {
      this.last = now;
      return;
    }
    this.totals.set(stage, (this.totals.get(stage) ?? 0) + Number(now - this.last) / 1e6);
    this.last = now;
  }

  endChunk(items: number): void {
    if (!this.enabled) return;
    this.chunks++;
    this.items += items;
    if (this.chunks % this.every !== 0) return;
    const total = [...this.totals.values()].reduce((a, b) => a + b, 0);
    const parts = [...this.totals].map(([k, v]) => `${k}=${((v / this.items) * 1000).toFixed(0)}µs`);
    this.write(
      `[ingest-profile] chunks=${this.chunks} items=${this.items} avg/item=${((total / this.items) * 1000).toFixed(0)}µs ${parts.join(' ')}`,
    );
  }
}
