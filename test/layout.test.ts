import * as fs from 'fs';
import * as path from 'path';

// src/private/ holds helpers with narrow input types of their own: they never import the public construct
// file (which imports them), nor the cdk8s side.
describe('src/private', () => {
  const dir = path.join(__dirname, '..', 'src', 'private');
  const imports = fs.readdirSync(dir).filter(f => f.endsWith('.ts')).flatMap(file => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    return [...text.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map(m => ({ file, from: m[1] }));
  });

  test('the scan sees the imports', () => {
    expect(imports).toContainEqual({ file: 'variant-selection.ts', from: './errors' });
  });

  test('never imports aurora-postgres.ts, the index or the cdk8s side', () => {
    expect(imports.filter(i => /^\.\.\/(aurora-postgres|index|k8s)(\/|$)/.test(i.from))).toEqual([]);
  });
});
