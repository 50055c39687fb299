#!/usr/bin/env node
// Writes every ```ts sample of docs/*.md into doc-samples/ as a file that the `typecheck` task compiles
// (tsconfig.check.json), the way jsii-rosetta compiles the README's samples (it reads only the README): the sample
// takes the place of the marker in rosetta/default.ts-fixture, its imports hoisted to the top, and
// `cdk-aurora-postgres` resolves to this repository's src/ (tsconfig.check.json `paths`).
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const out = path.join(root, 'doc-samples');
const fixture = fs.readFileSync(path.join(root, 'rosetta', 'default.ts-fixture'), 'utf8');

/** Every ```ts block of a Markdown file (indented ones too, as in a list), without its indentation. */
function samplesOf(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const samples = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```ts\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i + 1;
    while (i + 1 < lines.length && !/^\s*```\s*$/.test(lines[i + 1])) i++;
    samples.push({ line: start + 1, code: lines.slice(start, i + 1).map(l => l.slice(open[1].length)).join('\n') });
    i++;
  }
  return samples;
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out);
let count = 0;
for (const doc of fs.readdirSync(path.join(root, 'docs')).filter(f => f.endsWith('.md'))) {
  for (const { line, code } of samplesOf(path.join(root, 'docs', doc))) {
    const lines = code.split('\n');
    const imports = lines.filter(l => /^import\s/.test(l));
    const body = lines.filter(l => !/^import\s/.test(l)).join('\n');
    const name = `${path.basename(doc, '.md')}.line${line}.ts`;
    fs.writeFileSync(path.join(out, name), `// docs/${doc}, the sample at line ${line}\n${imports.join('\n')}\n${fixture.replace('/// here', body)}`);
    count++;
  }
}
console.log(`doc-samples/: ${count} TypeScript samples of docs/*.md, compiled by the typecheck task`);
if (count === 0) process.exit(1);
