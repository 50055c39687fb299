import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App as CdkApp, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { App, Yaml } from 'cdk8s';
import { buildApp as buildCdkExample } from '../../examples/cdk/app';
import { buildApp as buildCdk8sExample } from '../../examples/cdk8s/main';
import { tempDir } from '../util';
import { K8sObject, find } from './fixtures';
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

/** The example's own buildApp on the sample outputs file, rendered in this process (what main.ts gives the CLI). */
function renderExample(): { objects: K8sObject[]; text: string } {
  const text = buildCdk8sExample(path.join(EXAMPLE, 'cdk-outputs.json'), new App({ outdir: tempDir('example-cdk8s') })).synthYaml();
  const file = path.join(tempDir('example-cdk8s-yaml'), 'all.yaml');
  fs.writeFileSync(file, text);
  return { objects: Yaml.load(file) as K8sObject[], text };
}

describe('the example cdk8s app on the sample outputs file', () => {
  test('the real cdk8s CLI writes the Namespace, the ExternalSecret, the RDS CA ConfigMap, RBAC and the service', () => {
    // GIVEN the example and its sample outputs file

    // WHEN
    const { objects } = synthExample();

    // THEN
    expect(objects.map(o => o.kind)).toEqual(['Namespace', 'ExternalSecret', 'ConfigMap', 'Role', 'RoleBinding', 'ServiceAccount', 'Deployment', 'Service']);
  }, 120_000);

  test("the ExternalSecret reads the service user's name and password from its own secret (never the master's); the host comes from the outputs file", () => {
    // GIVEN the example and its sample outputs file

    // WHEN
    const { objects } = renderExample();

    // THEN
    const spec = find(objects, 'ExternalSecret').spec;
    expect(spec.data).toEqual([
      { secretKey: 'link0Username', remoteRef: { key: SAMPLE.rdsOrdersDbSecretArn, property: 'username' } },
      { secretKey: 'link0Password', remoteRef: { key: SAMPLE.rdsOrdersDbSecretArn, property: 'password' } },
    ]);
    expect(SAMPLE.rdsOrdersDbSecretArn).not.toBe(SAMPLE.rdsDbSecretArn);
    expect(spec.target.template.data).toEqual({
      rds_db_user: '{{ .link0Username }}', // the current login: orders or orders_clone, as rotation alternates
      rds_db_password: '{{ .link0Password }}',
      rds_db_name: 'orders',
      rds_db_host: SAMPLE.rdsDbHost, // the user's host is its cluster's
      rds_db_port: '5432',
      rds_db_url: `postgresql://{{ .link0Username | urlquery | replace "+" "%20" }}:{{ .link0Password | urlquery | replace "+" "%20" }}@${SAMPLE.rdsDbHost}:5432/orders?sslmode=verify-full&sslrootcert=/etc/rds-ca/ca.pem`,
      rds_db_jdbc_url: `jdbc:postgresql://${SAMPLE.rdsDbHost}:5432/orders?sslmode=verify-full&sslrootcert=/etc/rds-ca/ca.pem`,
    });
  });

  test('no password and no FROM_SECRET marker in the manifests; the service reads all seven variables and the TLS settings, has the CA mounted and rolls on change', () => {
    // GIVEN the example and its sample outputs file

    // WHEN
    const { objects, text } = renderExample();

    // THEN
    expect(text).not.toMatch(/FROM_SECRET|stringData|kind: Secret\n/);
    const deployment = find(objects, 'Deployment');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.env.map((e: any) => [e.name, e.valueFrom?.secretKeyRef.name ?? e.value]))
      .toEqual([
        ...['rds_db_user', 'rds_db_password', 'rds_db_name', 'rds_db_host', 'rds_db_port', 'rds_db_url', 'rds_db_jdbc_url'].map(n => [n, 'orders-db-db-links']),
        ['PGSSLMODE', 'verify-full'], ['PGSSLROOTCERT', '/etc/rds-ca/ca.pem'], ['NODE_EXTRA_CA_CERTS', '/etc/rds-ca/ca.pem'],
      ]);
    expect(container.volumeMounts).toEqual([{ mountPath: '/etc/rds-ca', name: 'db-ca-bundle', readOnly: true }]);
    expect(deployment.spec.template.spec.volumes).toEqual([
      { name: 'db-ca-bundle', configMap: { name: 'orders-db-rds-ca', items: [{ key: 'ca.pem', path: 'ca.pem' }] } },
    ]);
    expect(deployment.metadata.annotations).toEqual({
      'secret.reloader.stakater.com/reload': 'orders-db-db-links',
      'configmap.reloader.stakater.com/reload': 'orders-db-rds-ca',
    });
  });

  test('every object is valid (Kubernetes 1.27, ExternalSecret schema)', () => {
    // GIVEN the example and its sample outputs file

    // WHEN
    const { objects } = renderExample();

    // THEN
    for (const o of objects) validateObject(o);
  });
});

test('CDK_OUTPUTS_FILE points the example at another outputs file (another deployment: its host and secret)', () => {
  // GIVEN
  const file = path.join(tempDir('outputs'), 'cdk-outputs.json');
  const other = { ...SAMPLE, rdsDbHost: 'other.cluster-x.us-east-1.rds.amazonaws.com', rdsOrdersDbSecretArn: `${SAMPLE.rdsOrdersDbSecretArn}x` };
  fs.writeFileSync(file, JSON.stringify({ OrdersDb: other }));

  // WHEN
  const { objects } = synthExample({ CDK_OUTPUTS_FILE: file });

  // THEN
  const spec = find(objects, 'ExternalSecret').spec;
  expect(spec.target.template.data.rds_db_host).toBe(other.rdsDbHost);
  expect(spec.data.map((d: any) => d.remoteRef.key)).toEqual([other.rdsOrdersDbSecretArn, other.rdsOrdersDbSecretArn]);
}, 120_000);

test("the sample outputs file matches the example CDK app's OrdersDb outputs (keys, and every literal value)", () => {
  // GIVEN
  const app = buildCdkExample(new CdkApp({ builtinCloudFormationValidation: false }));

  // WHEN
  const outputs = Template.fromStack(app.node.findChild('OrdersDb') as Stack).toJSON().Outputs;

  // THEN
  expect(Object.keys(SAMPLE).sort()).toEqual(Object.keys(outputs).sort());
  for (const [key, output] of Object.entries<any>(outputs)) {
    if (typeof output.Value === 'string') expect([key, SAMPLE[key]]).toEqual([key, output.Value]);
  }
  expect(SAMPLE.rdsDbHost).toMatch(/\.cluster-[a-z0-9]+\.us-east-1\.rds\.amazonaws\.com$/); // the writer endpoint
});
