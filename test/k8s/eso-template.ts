import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * External Secrets Operator's template engine (v2) for the tests: test/k8s/eso-template/main.go, Go's
 * text/template with sprig v3 bound the way the operator binds them, built here from Debian's golang-go and
 * golang-github-masterminds-sprig-dev in GOPATH mode (no module download).
 */
const SOURCE = path.join(__dirname, 'eso-template', 'main.go');
export const GOPATH = '/usr/share/gocode';

export const goAvailable = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0
  && fs.existsSync(path.join(GOPATH, 'src', 'github.com', 'Masterminds', 'sprig'));
if (!goAvailable && process.env.CI) {
  // In CI these tests must run: .ci/run installs both packages when they are missing.
  throw new Error('Go and sprig are required in CI (the ESO template engine): apt-get install -y golang-go golang-github-masterminds-sprig-dev');
}

let binary: string | undefined;

/**
 * Builds a Go program (GOPATH mode, Debian's packages) once per source version: the binary is kept in the temp dir,
 * keyed by the source's hash, and renamed into place, since parallel jest workers may build at once.
 */
export function goBuild(source: string, name: string): string {
  const hash = createHash('sha256').update(fs.readFileSync(source)).digest('hex').slice(0, 16);
  const target = path.join(os.tmpdir(), `cdk-aurora-postgres-${name}-${hash}`);
  if (!fs.existsSync(target)) {
    const partial = `${target}.${process.pid}.tmp`;
    const build = spawnSync('go', ['build', '-o', partial, source], {
      encoding: 'utf8',
      cwd: path.dirname(source),
      env: { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '', GOCACHE: path.join(os.tmpdir(), 'cdk-aurora-postgres-go-cache') },
    });
    if (build.status !== 0) throw new Error(`go build of ${source} failed: ${build.stderr}`);
    fs.renameSync(partial, target);
  }
  return target;
}

function esoTemplateBinary(): string {
  binary ??= goBuild(SOURCE, 'eso-template');
  return binary;
}

/**
 * Renders templates (`spec.target.template.data`) with `.` bound to `data` (the ExternalSecret's `spec.data`
 * values by `secretKey`), as the operator does. Throws the engine's error, e.g. for an unknown function or a
 * missing key (`missingkey=error`).
 */
export function renderEsoTemplates(templates: Record<string, string>, data: Record<string, string>): Record<string, string> {
  const result = spawnSync(esoTemplateBinary(), [], { input: JSON.stringify({ templates, data }), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ESO template engine: ${result.stderr.trim()}`);
  return JSON.parse(result.stdout);
}

/** Renders a list of templates with the same data (a convenience over renderEsoTemplates). */
export function renderGoTemplates(templates: string[], data: Record<string, string>): string[] {
  const rendered = renderEsoTemplates(Object.fromEntries(templates.map((t, i) => [`t${i}`, t])), data);
  return templates.map((_, i) => rendered[`t${i}`]);
}
