// Child process: runs one side of one case once, cold, and prints its time and peak resident memory as JSON.
import { performance } from 'perf_hooks';
import { allCases } from './cases';

const [index, side] = process.argv.slice(2);
const c = allCases()[Number(index)];
const start = performance.now();
(side === 'library' ? c.library : c.baseline)();
const coldMs = performance.now() - start;
process.stdout.write(JSON.stringify({ peakRssMiB: process.resourceUsage().maxRSS / 1024, coldMs }));
