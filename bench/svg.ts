// A dependency-free SVG line plot: one panel per group, synth time against size, library vs baseline.
import { BenchResult } from './harness';

const W = 420;
const H = 300;
const PAD = { l: 60, r: 24, t: 36, b: 48 };

function panel(results: BenchResult[], x0: number): string {
  const sizes = results.map(r => r.size);
  const maxY = Math.max(...results.flatMap(r => [r.libraryMs, r.baselineMs])) * 1.1;
  // A linear x axis from 0, so that linear growth shows as a straight line.
  const maxX = Math.max(...sizes);
  const px = (s: number) => x0 + PAD.l + (s / maxX) * (W - PAD.l - PAD.r);
  const py = (ms: number) => PAD.t + (1 - ms / maxY) * (H - PAD.t - PAD.b);
  const line = (key: 'libraryMs' | 'baselineMs', color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${results.map(r => `${px(r.size).toFixed(1)},${py(r[key]).toFixed(1)}`).join(' ')}"/>`
    + results.map(r => `<circle cx="${px(r.size).toFixed(1)}" cy="${py(r[key]).toFixed(1)}" r="3" fill="${color}"/>`).join('');
  const ticksY = [0, 0.25, 0.5, 0.75, 1].map(f => f * maxY);
  return [
    `<text x="${x0 + W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${results[0].group}</text>`,
    `<line x1="${x0 + PAD.l}" y1="${H - PAD.b}" x2="${x0 + W - PAD.r}" y2="${H - PAD.b}" stroke="#333"/>`,
    `<line x1="${x0 + PAD.l}" y1="${PAD.t}" x2="${x0 + PAD.l}" y2="${H - PAD.b}" stroke="#333"/>`,
    ...ticksY.map(v => `<text x="${x0 + PAD.l - 6}" y="${py(v) + 4}" text-anchor="end" font-size="10">${v.toFixed(0)}</text>`),
    ...sizes.map(s => `<text x="${px(s)}" y="${H - PAD.b + 14}" text-anchor="middle" font-size="10">${s}</text>`),
    `<text x="${x0 + W / 2}" y="${H - 14}" text-anchor="middle" font-size="11">${results[0].unit}</text>`,
    `<text x="${x0 + 14}" y="${H / 2}" font-size="11" transform="rotate(-90 ${x0 + 14} ${H / 2})" text-anchor="middle">synth time, median ms</text>`,
    line('baselineMs', '#888'),
    line('libraryMs', '#d6336c'),
    ...results.map(r => `<text x="${px(r.size)}" y="${py(r.libraryMs) - 8}" text-anchor="end" font-size="10" fill="#d6336c">×${r.ratio.toFixed(2)}</text>`),
  ].join('\n');
}

/** The plot of every group with more than one size. */
export function plot(results: BenchResult[]): string {
  const groups = [...new Set(results.map(r => r.group))]
    .map(g => results.filter(r => r.group === g)).filter(g => g.length > 1);
  const width = W * groups.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H + 20}" viewBox="0 0 ${width} ${H + 20}" font-family="sans-serif">`,
    '<rect width="100%" height="100%" fill="white"/>',
    ...groups.map((g, i) => panel(g, i * W)),
    `<g font-size="11"><rect x="${PAD.l + 10}" y="${H + 2}" width="12" height="4" fill="#d6336c"/><text x="${PAD.l + 26}" y="${H + 8}">cdk-aurora-postgres</text>`,
    `<rect x="${PAD.l + 160}" y="${H + 2}" width="12" height="4" fill="#888"/><text x="${PAD.l + 176}" y="${H + 8}">hand-written aws-cdk-lib / cdk8s-plus</text></g>`,
    '</svg>',
  ].join('\n');
}
