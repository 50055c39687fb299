// `npx projen bench`: synth cost of the library against hand-written code, written to bench/README.md,
// bench/results.json and bench/synth-cost.svg. Never part of the tests: timings are not assertions.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { allCases } from './cases';
import { BenchResult, runCases } from './harness';
import { plot } from './svg';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const HERE = __dirname;

function cold(index: number, side: 'library' | 'baseline'): { peakRssMiB: number; coldMs: number } {
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register', path.join(HERE, 'memory.ts'), String(index), side], {
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PROJECT: path.join(HERE, 'tsconfig.json') },
  }).toString();
  return JSON.parse(out);
}

function table(results: BenchResult[]): string {
  const rows = results.map(r => `| ${r.group} | ${r.size} ${r.unit} | ${r.libraryMs.toFixed(1)} | ${r.baselineMs.toFixed(1)} | **${r.ratio.toFixed(3)}** | ${r.libraryColdMs?.toFixed(0) ?? ''} / ${r.baselineColdMs?.toFixed(0) ?? ''} | ${r.libraryPeakRssMiB?.toFixed(0) ?? ''} / ${r.baselinePeakRssMiB?.toFixed(0) ?? ''} |`);
  return [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${ROUNDS} rounds, medians.`,
    '',
    '| comparison | size | library ms | baseline ms | ratio | cold first synth ms (library / baseline) | peak RSS MiB (library / baseline) |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function main(): void {
  const cases = allCases();
  const results = runCases(cases, ROUNDS);
  results.forEach((r, i) => {
    const lib = cold(i, 'library');
    const base = cold(i, 'baseline');
    r.libraryPeakRssMiB = lib.peakRssMiB;
    r.baselinePeakRssMiB = base.peakRssMiB;
    r.libraryColdMs = lib.coldMs;
    r.baselineColdMs = base.coldMs;
  });
  fs.writeFileSync(path.join(HERE, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(path.join(HERE, 'synth-cost.svg'), plot(results) + '\n');
  const readme = path.join(HERE, 'README.md');
  const text = fs.readFileSync(readme, 'utf8');
  const updated = text.replace(/<!-- results:start -->[\s\S]*<!-- results:end -->/,
    `<!-- results:start -->\n${table(results)}\n<!-- results:end -->`);
  fs.writeFileSync(readme, updated);
  console.log(table(results));
}

main();
