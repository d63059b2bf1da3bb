/**
 * Benchmark timing shared by `npm run bench` and bench/peers: numbers are always read as ratios of
 * contenders measured in the same run, never as absolute thresholds (the machine is shared and
 * noisy). Each contender is warmed up; then batches are interleaved round-robin, so a GC pause or a
 * frequency change hits them all alike; the median batch is reported.
 */
export interface Timing {
  /** Median over batches, µs per call. */
  readonly medianUs: number;
  readonly minUs: number;
  readonly maxUs: number;
  readonly perBatch: number;
}

/** Results kept alive so the optimiser cannot drop the work. */
export let sink: unknown;

export function timing(quick: boolean) {
  const BATCHES = quick ? 5 : 11;
  const BATCH_MS = quick ? 20 : 60;
  const WARMUP_MS = quick ? 150 : 500;

  function race(contenders: ReadonlyArray<() => unknown>): Timing[] {
    const now = (): number => Number(process.hrtime.bigint()) / 1e3;
    const perBatch = contenders.map((fn) => {
      let calls = 0;
      const start = now();
      while (now() - start < WARMUP_MS * 1e3 || calls < 20) {
        sink = fn();
        calls++;
      }
      const estimateUs = (now() - start) / calls;
      return Math.max(3, Math.ceil((BATCH_MS * 1e3) / estimateUs));
    });
    const samples: number[][] = contenders.map(() => []);
    for (let b = 0; b < BATCHES; b++) {
      contenders.forEach((fn, c) => {
        const n = perBatch[c]!;
        const t0 = now();
        for (let i = 0; i < n; i++) sink = fn();
        samples[c]!.push((now() - t0) / n);
      });
    }
    return samples.map((xs, c) => {
      xs.sort((x, y) => x - y);
      return {
        medianUs: xs[Math.floor(xs.length / 2)]!,
        minUs: xs[0]!,
        maxUs: xs[xs.length - 1]!,
        perBatch: perBatch[c]!,
      };
    });
  }
  return { race, BATCHES, BATCH_MS, WARMUP_MS };
}
