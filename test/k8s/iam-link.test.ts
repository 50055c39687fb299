import { App, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { DatabaseAuthentication, DatabaseLink, LinkSecretMode, PostgresLinkChart, PostgresLinkChartProps, SslMode } from '../../src';

const IAM_LINK = DatabaseLink.fromValues({
  host: 'orders.cluster-abc.eu-west-1.rds.amazonaws.com',
  readerHost: 'orders.cluster-ro-abc.eu-west-1.rds.amazonaws.com',
  port: 5432,
  databaseName: 'orders',
  username: 'orders',
  region: 'eu-west-1',
  authentication: DatabaseAuthentication.IAM,
});

function chart(props: Partial<PostgresLinkChartProps> = {}) {
  return new PostgresLinkChart(new App(), 'orders-db', {
    namespace: 'orders',
    serviceAccountName: 'orders-db',
    links: [{ moduleName: 'rds', database: IAM_LINK, libpqVariables: true, readerHost: true }],
    ...props,
  });
}

function deployment(c: PostgresLinkChart) {
  const d = new kplus.Deployment(c, 'Orders', { containers: [{ image: 'orders:1', securityContext: { user: 1000, group: 1000 } }] });
  c.linkContainer(d.containers[0]);
  return d;
}

describe('a chart with an IAM link, linked into a Deployment', () => {
  const c = chart();
  deployment(c);
  const manifests = Testing.synth(c);
  const byKind = (kind: string) => manifests.filter(m => m.kind === kind);

  test('manifests (snapshot; the RDS CA bundle ConfigMap left out)', () => {
    expect(manifests.filter(m => m.kind !== 'ConfigMap')).toMatchSnapshot();
  });

  test('no password variable, no password anywhere; the URL has none', () => {
    const text = JSON.stringify(manifests);
    expect(text).not.toMatch(/PGPASSWORD|_db_password/);
    const secret = byKind('Secret')[0];
    expect(Object.keys(secret.stringData).sort()).toEqual([
      'PGDATABASE', 'PGHOST', 'PGPORT', 'PGSSLMODE', 'PGSSLROOTCERT', 'PGUSER',
      'rds_db_host', 'rds_db_jdbc_url', 'rds_db_name', 'rds_db_port', 'rds_db_reader_host', 'rds_db_url', 'rds_db_user',
    ]);
    expect(secret.stringData.rds_db_url).toBe('postgresql://orders@orders.cluster-abc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full&sslrootcert=/etc/rds-ca/ca.pem');
    expect(byKind('ExternalSecret')).toEqual([]); // nothing to read from Secrets Manager
  });

  test('the ServiceAccount is rendered and the pod runs as it', () => {
    expect(byKind('ServiceAccount').map(s => s.metadata.name)).toEqual(['orders-db']);
    expect(byKind('Deployment')[0].spec.template.spec.serviceAccountName).toBe('orders-db');
  });

  test('the refresher sidecar writes a line for the writer and the reader host; the app gets PGPASSFILE', () => {
    const spec = byKind('Deployment')[0].spec.template.spec;
    const [sidecar] = spec.initContainers;
    expect(sidecar).toMatchObject({ name: 'postgres-iam-token', restartPolicy: 'Always', image: expect.stringMatching(/^public\.ecr\.aws\/aws-cli\/aws-cli:/) });
    expect(sidecar.securityContext).toMatchObject({ runAsUser: 1000, runAsGroup: 1000 });
    const env = Object.fromEntries(sidecar.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      TOKEN_HOSTS: 'orders.cluster-abc.eu-west-1.rds.amazonaws.com orders.cluster-ro-abc.eu-west-1.rds.amazonaws.com',
      TOKEN_USER: 'orders',
      TOKEN_DATABASE: 'orders',
      TOKEN_PORT: '5432',
      AWS_REGION: 'eu-west-1',
    });
    expect(spec.containers[0].env).toContainEqual({ name: 'PGPASSFILE', value: '/var/run/postgres-iam/pgpass' });
  });
});

test('tokenRefresherImage overrides the image', () => {
  const c = chart({ tokenRefresherImage: 'registry.example.com/aws-cli:2.27.0' });
  deployment(c);
  const d = Testing.synth(c).find(m => m.kind === 'Deployment');
  expect(d.spec.template.spec.initContainers[0].image).toBe('registry.example.com/aws-cli:2.27.0');
});

test('an IAM link from an outputs file works the same', () => {
  const outputs = {
    Db: {
      rdsDbHost: 'h.eu-west-1.rds.amazonaws.com',
      rdsDbPort: '5432',
      rdsDbName: 'app',
      rdsDbUser: 'FROM_SECRET',
      rdsDbPassword: 'FROM_SECRET',
      rdsDbSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:master-AbCdEf',
      rdsOrdersDbSecretArn: 'NONE',
      rdsOrdersDbUserLink: JSON.stringify({ cluster: 'rds', stack: 'Db', databaseName: 'orders', authentication: 'IAM', username: 'orders', region: 'eu-west-1' }),
    },
  };
  const c = chart({ links: [{ moduleName: 'rds', database: DatabaseLink.fromCdkOutputs(outputs, 'Db', 'rdsOrders') }] });
  deployment(c);
  const text = JSON.stringify(Testing.synth(c));
  expect(text).toContain('"TOKEN_HOSTS","value":"h.eu-west-1.rds.amazonaws.com"');
  expect(text).not.toMatch(/_db_password/);
});

test('refuses sslMode below require with an IAM link', () => {
  expect(() => chart({ sslMode: SslMode.PREFER })).toThrow(
    "invalid sslMode 'prefer'. Allowed: require, verify-ca or verify-full with an IAM link (links[0]): RDS accepts IAM tokens over TLS only");
});

test('refuses an IAM link without serviceAccountName', () => {
  expect(() => chart({ serviceAccountName: undefined })).toThrow(
    "invalid serviceAccountName 'undefined'. Allowed: a ServiceAccount name with an IAM link");
});

test('refuses two IAM links in one chart', () => {
  expect(() => chart({
    links: [{ moduleName: 'a', database: IAM_LINK }, { moduleName: 'b', database: IAM_LINK }],
  })).toThrow("invalid links[1].database 'a second IAM link'. Allowed: one IAM link per chart");
});

test('PLAIN mode takes an IAM link too (nothing secret in it)', () => {
  const c = chart({ secretMode: LinkSecretMode.PLAIN });
  expect(Testing.synth(c).find(m => m.kind === 'Secret').stringData.rds_db_user).toBe('orders');
});

test('linkWorkload refuses a chart with an IAM link (it would add no token refresher)', () => {
  const c = chart();
  const d = new kplus.Deployment(c, 'Orders', { containers: [{ image: 'orders:1' }] });
  expect(() => c.linkWorkload(d)).toThrow("invalid workload 'orders-db/Orders'. Allowed: linkWorkload only for charts without an IAM link");
});
