import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App as CdkApp, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Yaml } from 'cdk8s';
import { buildApp as buildCdkExample } from '../../examples/cdk/app';
import { tempDir } from '../util';
import { K8sObject, VARIANT_OUTPUTS, find } from './fixtures';
import { validateObject } from './schema-validation';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'cdk8s');
const SAMPLE = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'cdk-outputs.json'), 'utf8')).OrdersDb;

/** Exactly what `npx projen example` runs in examples/cdk8s, into a temporary directory. */
function synthExample(env: Record<string, string> = {}): { objects: K8sObject[]; text: string } {
  const outdir = tempDir('example-cdk8s');
  execFileSync('npx', ['cdk8s', 'synth', '--no-check-upgrade', '--output', outdir], {
    cwd: EXAMPLE, env: { ...process.env, ...env }, stdio: 'pipe',
  });
  const files = fs.readdirSync(outdir).map(f => path.join(outdir, f));
  return {
    objects: files.flatMap(f => Yaml.load(f)) as K8sObject[],
    text: files.map(f => fs.readFileSync(f, 'utf8')).join('\n'),
  };
}

describe('the example cdk8s app, synthesized by the real cdk8s CLI from the sample outputs file', () => {
  let objects: K8sObject[];
  let text: string;
  beforeAll(() => ({ objects, text } = synthExample()), 120_000);

  test('writes the Namespace, the ExternalSecret, the RDS CA ConfigMap, RBAC and the service', () => {
    expect(objects.map(o => o.kind)).toEqual(['Namespace', 'ExternalSecret', 'ConfigMap', 'Role', 'RoleBinding', 'ServiceAccount', 'Deployment', 'Service']);
  });

  test('the ExternalSecret reads the password from the secret in the outputs file; the host comes from there too', () => {
    const spec = find(objects, 'ExternalSecret').spec;
    expect(spec.data).toEqual([{ secretKey: 'link0Password', remoteRef: { key: SAMPLE.rdsDbSecretArn, property: 'password' } }]);
    expect(spec.target.template.data).toEqual({
      rds_db_user: 'postgres',
      rds_db_password: '{{ .link0Password }}',
      rds_db_name: 'orders',
      rds_db_host: SAMPLE.rdsDbHost,
      rds_db_port: '5432',
      rds_db_url: `postgresql://postgres:{{ .link0Password | urlquery | replace "+" "%20" }}@${SAMPLE.rdsDbHost}:5432/orders?sslmode=verify-full&sslrootcert=/etc/rds-ca/ca.pem`,
    });
  });

  test('no password and no FROM_SECRET marker in the manifests; the service reads all six variables', () => {
    expect(text).not.toMatch(/FROM_SECRET|stringData|kind: Secret\n/);
    const env = find(objects, 'Deployment').spec.template.spec.containers[0].env;
    expect(env.map((e: any) => [e.name, e.valueFrom.secretKeyRef.name]))
      .toEqual(['rds_db_user', 'rds_db_password', 'rds_db_name', 'rds_db_host', 'rds_db_port', 'rds_db_url'].map(n => [n, 'orders-db-db-links']));
  });

  test('every object is valid (Kubernetes 1.27, ExternalSecret schema)', () => {
    for (const o of objects) validateObject(o);
  });
});

test('CDK_OUTPUTS_FILE points the example at another outputs file (a restore without credentials: placeholders only)', () => {
  const file = path.join(tempDir('outputs'), 'cdk-outputs.json');
  fs.writeFileSync(file, JSON.stringify({ OrdersDb: VARIANT_OUTPUTS.RestoredUnknown }));
  const { objects } = synthExample({ CDK_OUTPUTS_FILE: file });
  expect(objects.map(o => o.kind)).toEqual(['Namespace', 'Secret', 'ConfigMap', 'Role', 'RoleBinding', 'ServiceAccount', 'Deployment', 'Service']);
  expect(find(objects, 'Secret').stringData.rds_db_password).toBe('UNKNOWN_SEE_ORIGINAL_DB');
}, 120_000);

test("the sample outputs file matches the example CDK app's OrdersDb outputs (keys, and every literal value)", () => {
  const app = buildCdkExample(new CdkApp({ builtinCloudFormationValidation: false }));
  const outputs = Template.fromStack(app.node.findChild('OrdersDb') as Stack).toJSON().Outputs;
  expect(Object.keys(SAMPLE).sort()).toEqual(Object.keys(outputs).sort());
  for (const [key, output] of Object.entries<any>(outputs)) {
    if (typeof output.Value === 'string') expect([key, SAMPLE[key]]).toEqual([key, output.Value]);
  }
  expect(SAMPLE.rdsDbHost).toMatch(/\.cluster-[a-z0-9]+\.us-east-1\.rds\.amazonaws\.com$/); // the writer endpoint
});
