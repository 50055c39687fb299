// A small benchmark harness: library and baseline alternate in one process, several rounds, medians, ratio.
import { performance } from 'perf_hooks';

/** One measured comparison at one size. Each function builds and synthesizes, and returns what it made. */
export interface BenchCase {
  readonly group: string;
  readonly size: number;
  readonly unit: string;
  readonly library: () => unknown;
  readonly baseline: () => unknown;
  /** Whether both sides must make the same kinds of objects (false for on/off comparisons). */
  readonly sameOutput?: boolean;
}

export interface BenchResult {
  readonly group: string;
  readonly size: number;
  readonly unit: string;
  readonly libraryMs: number;
  readonly baselineMs: number;
  readonly ratio: number;
  readonly rounds: number;
  libraryPeakRssMiB?: number;
  baselinePeakRssMiB?: number;
  libraryColdMs?: number;
  baselineColdMs?: number;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function time(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** Counts what a synthesized output holds: CloudFormation resource types, or Kubernetes kinds. */
export function shape(output: unknown): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (k: string) => { counts[k] = (counts[k] ?? 0) + 1; };
  if (Array.isArray(output)) {
    for (const o of output) add(`${(o as any).apiVersion}/${(o as any).kind}`);
  } else {
    for (const r of Object.values<any>((output as any).Resources ?? {})) add(r.Type);
    for (const k of Object.keys((output as any).Outputs ?? {})) add(`Output:${k.replace(/^db\d+/, '')}`);
  }
  return counts;
}

/**
 * Runs every case: one warm-up of each side, then `rounds` rounds in which the two sides alternate (the side
 * that goes first alternates too), and reports the medians and their ratio.
 */
export function runCases(cases: BenchCase[], rounds: number, log: (s: string) => void = console.log): BenchResult[] {
  const results: BenchResult[] = [];
  for (const c of cases) {
    const lib = c.library();
    const base = c.baseline();
    if (c.sameOutput !== false) {
      const a = JSON.stringify(shape(lib));
      const b = JSON.stringify(shape(base));
      if (a !== b) throw new Error(`${c.group} @${c.size}: library and baseline differ:\n${a}\n${b}`);
    }
    const libTimes: number[] = [];
    const baseTimes: number[] = [];
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        libTimes.push(time(c.library));
        baseTimes.push(time(c.baseline));
      } else {
        baseTimes.push(time(c.baseline));
        libTimes.push(time(c.library));
      }
    }
    const libraryMs = median(libTimes);
    const baselineMs = median(baseTimes);
    const result = { group: c.group, size: c.size, unit: c.unit, libraryMs, baselineMs, ratio: libraryMs / baselineMs, rounds };
    log(`${c.group} @ ${c.size} ${c.unit}: library ${libraryMs.toFixed(1)} ms, baseline ${baselineMs.toFixed(1)} ms, ratio ${result.ratio.toFixed(3)}`);
    results.push(result);
  }
  return results;
}
