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

/** The library's source files (not the Lambda handlers' SQL, which runs in AWS and reports run-time errors). */
function sourceFiles(dir = path.join(__dirname, '..', 'src')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => e.isDirectory()
    ? sourceFiles(path.join(dir, e.name))
    : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

function testFiles(dir = __dirname): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => e.isDirectory()
    ? (e.name === '__snapshots__' ? [] : testFiles(path.join(dir, e.name)))
    : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

/** Every `code: 'UPPER_SNAKE'` of a bad-input error in src, with the file that throws it. */
function errorCodes(): Array<{ code: string; file: string }> {
  return sourceFiles().flatMap(file => [...fs.readFileSync(file, 'utf8').matchAll(/(?:\bcode: |\brefuse\()'([A-Z][A-Z0-9_]+)'/g)]
    .map(m => ({ code: m[1], file: path.relative(path.join(__dirname, '..'), file) })));
}

describe('error codes', () => {
  test('the scan sees the codes', () => {
    // GIVEN / WHEN
    const codes = errorCodes();
    // THEN
    expect(codes.length).toBeGreaterThan(100);
  });

  test('each code is defined in one place (one definition per rule)', () => {
    // GIVEN
    const codes = errorCodes();
    // WHEN
    const twice = codes.filter((c, i) => codes.findIndex(d => d.code === c.code) !== i);
    // THEN
    expect(twice).toEqual([]);
  });

  test('every code is thrown by a test', () => {
    // GIVEN
    const tests = testFiles().map(f => fs.readFileSync(f, 'utf8')).join('\n');
    // WHEN
    const untested = errorCodes().filter(c => !tests.includes(c.code));
    // THEN
    expect(untested).toEqual([]);
  });

  test('every bad-input error has a code: each throwPropError / throwInputError with details written out names one', () => {
    // GIVEN: every call, up to its closing parenthesis
    const calls = sourceFiles().filter(f => !f.endsWith('errors.ts')).flatMap(file => {
      const text = fs.readFileSync(file, 'utf8');
      return [...text.matchAll(/\bthrow(?:Prop|Input)Error\(/g)].map(m => {
        let depth = 0, end = m.index! + m[0].length - 1;
        do { depth += text[end] === '(' ? 1 : text[end] === ')' ? -1 : 0; end++; } while (depth > 0 && end < text.length);
        return { file: path.basename(file), call: text.slice(m.index, end) };
      });
    });
    // WHEN: details written out (an object literal) without a code; details passed on (a variable) carry theirs
    const uncoded = calls.filter(c => /\{/.test(c.call) && !/\bcode[:,]|\.\.\./.test(c.call)).map(c => `${c.file}: ${c.call.slice(0, 80)}`);
    // THEN
    expect(calls.length).toBeGreaterThan(50);
    expect(uncoded).toEqual([]);
  });
});

describe('state', () => {
  test('no module-level WeakMap, Map or Set holds per-construct state (it breaks when two copies of the package load)', () => {
    // GIVEN
    const files = sourceFiles().filter(f => !f.endsWith('.lambda.ts'));
    // WHEN
    const moduleLevel = files.flatMap(file => fs.readFileSync(file, 'utf8').split('\n')
      .filter(line => /^(export )?(const|let) \w+\s*(:[^=]+)?=\s*new (Weak)?(Map|Set)\b/.test(line))
      .map(line => `${path.basename(file)}: ${line.trim()}`));
    // THEN
    expect(moduleLevel).toEqual([]);
  });
});
