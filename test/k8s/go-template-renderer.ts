import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../util';

/**
 * Go's own `text/template`, the engine External Secrets Operator's template v2 runs, reached through kubectl's
 * `-o go-template` printer on a local file (no cluster). Undefined when kubectl is not installed.
 */
export const kubectlAvailable = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
if (!kubectlAvailable && process.env.CI) {
  // In CI these tests must run: .ci/run installs Debian's kubernetes-client when kubectl is missing.
  throw new Error('kubectl is required in CI (Go text/template checks); install it, e.g. apt-get install -y kubernetes-client');
}

/**
 * Renders Go templates with `.` bound to `values` (as ESO binds the ExternalSecret's `spec.data` values).
 * Several templates in one kubectl run.
 */
export function renderGoTemplates(templates: string[], values: Record<string, string>): string[] {
  const separator = '\n--8<-- template boundary --8<--\n';
  const file = path.join(tempDir('go-template'), 'values.json');
  // kubectl wants a Kubernetes object; the values sit next to apiVersion/kind as top-level fields.
  fs.writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'values' }, ...values }));
  const result = spawnSync('kubectl', ['annotate', '--local', '-f', file, 'rendered=true', '-o', `go-template=${templates.join(separator)}`], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`kubectl go-template failed: ${result.stderr}`);
  return result.stdout.split(separator);
}
