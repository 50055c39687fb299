// Synth cost of PostgresLinkChart against hand-written cdk8s / cdk8s-plus code that renders the same objects.
import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { DatabaseLink, PostgresLinkChart } from '../src';
import { BenchCase } from './harness';
import { RDS_REGION_ROOTS } from '../src/private/rds-ca-data';

// The same CA bundle the library renders for a cluster in us-east-1 (AWS's three RDS roots of the region), read once
// as a careful engineer would.
const CA_BUNDLE = RDS_REGION_ROOTS['us-east-1'].map(c => `${c.pem}\n`).join('');
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds-AbCdEf';
const HOST = 'orders.cluster-abc.us-east-1.rds.amazonaws.com';

function deployment(chart: Chart): kplus.Deployment {
  return new kplus.Deployment(chart, 'api', { containers: [{ image: 'registry.example.com/api:1', portNumber: 8080 }] });
}

const URL_TEMPLATE = `postgresql://postgres:{{ .link0Password | urlquery | replace "+" "%20" }}@${HOST}:5432/app?sslmode=verify-full&sslrootcert=/etc/rds-ca/ca.pem`;

/**
 * What a careful engineer writes by hand for one service: the same ExternalSecret (with the URL), the CA
 * ConfigMap, Role, binding, env and CA mount.
 */
function handWritten(app: App, i: number): void {
  const name = `svc${i}`;
  const secretName = `${name}-db-links`;
  const chart = new Chart(app, name, { namespace: name });
  new ApiObject(chart, 'ExternalSecret', {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: secretName },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { name: 'aws-secrets-manager', kind: 'SecretStore' },
      target: {
        name: secretName,
        creationPolicy: 'Owner',
        template: {
          engineVersion: 'v2',
          type: 'Opaque',
          data: {
            rds_db_user: 'postgres',
            rds_db_password: '{{ .link0Password }}',
            rds_db_name: 'app',
            rds_db_host: HOST,
            rds_db_port: '5432',
            rds_db_url: URL_TEMPLATE,
            rds_db_jdbc_url: `jdbc:postgresql://${HOST}:5432/app?sslmode=verify-full&sslrootcert=/etc/rds-ca/ca.pem`,
          },
        },
      },
      data: [{ secretKey: 'link0Password', remoteRef: { key: SECRET_ARN, property: 'password' } }],
    },
  });
  const secret = kplus.Secret.fromSecretName(chart, 'Secret', secretName);
  const ca = new kplus.ConfigMap(chart, 'RdsCa', { metadata: { name: `${name}-rds-ca` }, data: { 'ca.pem': CA_BUNDLE } });
  const caVolume = kplus.Volume.fromConfigMap(chart, 'CaBundle', ca, { name: 'db-ca-bundle', items: { 'ca.pem': { path: 'ca.pem' } } });
  const role = new kplus.Role(chart, 'SecretReader', { metadata: { name: `${secretName}-reader` } });
  role.allow(['get'], secret);
  const binding = new kplus.RoleBinding(chart, 'SecretReaderBinding', { metadata: { name: `${secretName}-reader` }, role });
  binding.addSubjects(kplus.ServiceAccount.fromServiceAccountName(chart, 'ServiceAccount', name, { namespaceName: name }));
  const container = deployment(chart).containers[0];
  for (const key of ['rds_db_user', 'rds_db_password', 'rds_db_name', 'rds_db_host', 'rds_db_port', 'rds_db_url', 'rds_db_jdbc_url']) {
    container.env.addVariable(key, kplus.EnvValue.fromSecretValue({ secret, key }));
  }
  // What every driver reads to verify the server without code changes.
  container.env.addVariable('PGSSLMODE', kplus.EnvValue.fromValue('verify-full'));
  container.env.addVariable('PGSSLROOTCERT', kplus.EnvValue.fromValue('/etc/rds-ca/ca.pem'));
  container.env.addVariable('NODE_EXTRA_CA_CERTS', kplus.EnvValue.fromValue('/etc/rds-ca/ca.pem'));
  container.mount('/etc/rds-ca', caVolume, { readOnly: true });
}

function library(app: App, i: number): void {
  const name = `svc${i}`;
  const database = DatabaseLink.fromValues({ host: HOST, port: 5432, username: 'postgres', databaseName: 'app', secretArn: SECRET_ARN });
  const chart = new PostgresLinkChart(app, name, { namespace: name, links: [{ moduleName: 'rds', database }], serviceAccountName: name });
  chart.linkContainer(deployment(chart).containers[0]);
}

function render(build: (app: App, i: number) => void, n: number): unknown[] {
  const app = new App();
  for (let i = 0; i < n; i++) build(app, i);
  return app.charts.flatMap(c => c.toJson());
}

export function k8sCases(sizes: number[]): BenchCase[] {
  return sizes.map(n => ({
    group: 'PostgresLinkChart vs cdk8s-plus',
    size: n,
    unit: 'services, one chart each',
    library: () => render(library, n),
    baseline: () => render(handWritten, n),
  }));
}
