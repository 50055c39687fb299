// `npx ts-node -P bench/tsconfig.json bench/scale.ts`: the platform scale table of issue 15 (template bytes,
// resources, outputs and synth time for N services in one stack and in service stacks), written into
// bench/README.md between the scale markers. Never part of the tests: timings are not assertions.
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { median } from './harness';
import { Layout, ScaleOptions, scaleApp, sizesOf } from './scale-app';

const SIZES = [1, 10, 50, 100];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface Row { n: number; layout: Layout; ca: string; ms: number; platform: string; largestService: string }

function fmt(s: { resources: number; outputs: number; bytes: number }): string {
  return `${s.resources} / ${s.outputs} / ${(s.bytes / 1024).toFixed(0)} KiB`;
}

function caOf(options: ScaleOptions): string {
  return options.sharedCa ? 'one shared ConfigMap' : "its region's RDS roots per chart";
}

function measure(n: number, layout: Layout, options: ScaleOptions): Row {
  const times: number[] = [];
  let sizes: ReturnType<typeof sizesOf> = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    try {
      const assembly = scaleApp(n, layout, options).app.synth();
      sizes = sizesOf(assembly);
    } catch (e) {
      // aws-cdk-lib refuses a stack over 500 resources at synth.
      const count = /Number of resources in stack '\w+': (\d+)/.exec(String(e))?.[1];
      if (!count) throw e;
      return { n, layout, ca: caOf(options), ms: performance.now() - start, platform: `**synth refused**: ${count} resources`, largestService: '' };
    }
    times.push(performance.now() - start);
  }
  const platform = sizes.find(s => s.stack === 'Platform')!;
  const services = sizes.filter(s => s.stack !== 'Platform').sort((a, b) => b.bytes - a.bytes);
  return {
    n,
    layout,
    ca: caOf(options),
    ms: median(times),
    platform: fmt(platform),
    largestService: services.length ? fmt(services[0]) : '',
  };
}

function main(): void {
  const rows: Row[] = [];
  for (const sharedCa of [false, true]) {
    for (const layout of ['one stack', 'service stacks'] as Layout[]) {
      for (const n of SIZES) {
        const row = measure(n, layout, { sharedCa });
        console.log(JSON.stringify(row));
        rows.push(row);
      }
    }
  }
  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, median of ${ROUNDS} synths (\`app.synth()\`, the built-in validator off).`,
    '',
    '| N services | layout | CA bundle | platform stack: resources / outputs / template | largest service stack | synth ms |',
    '|---|---|---|---|---|---|',
    ...rows.map(r => `| ${r.n} | ${r.layout} | ${r.ca} | ${r.platform} | ${r.largestService || '–'} | ${r.ms.toFixed(0)} |`),
  ].join('\n');
  const readme = path.join(__dirname, 'README.md');
  const text = fs.readFileSync(readme, 'utf8');
  fs.writeFileSync(readme, text.replace(/<!-- scale:start -->[\s\S]*<!-- scale:end -->/, `<!-- scale:start -->\n${table}\n<!-- scale:end -->`));
  console.log(table);
}

main();
