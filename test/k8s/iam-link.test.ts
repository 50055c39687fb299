import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing, YamlOutputType } from 'cdk8s';
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

function chart(props: Partial<PostgresLinkChartProps> = {}, app = new App()) {
  return new PostgresLinkChart(app, 'orders-db', {
    namespace: 'orders',
    serviceAccountName: 'orders-db',
    links: [{ moduleName: 'rds', database: IAM_LINK, libpqVariables: true, includeReaderHost: true }],
    ...props,
  });
}

function deployment(c: Chart, linker: PostgresLinkChart = c as PostgresLinkChart) {
  const d = new kplus.Deployment(c, 'Orders', { containers: [{ image: 'orders:1', securityContext: { user: 1000, group: 1000 } }] });
  linker.linkContainer(d.containers[0]);
  return d;
}

/** The manifests of the IAM chart with a linked Deployment, and those of one kind. */
function linkedManifests(props: Partial<PostgresLinkChartProps> = {}) {
  const c = chart(props);
  deployment(c);
  const manifests = Testing.synth(c);
  return { manifests, byKind: (kind: string) => manifests.filter(m => m.kind === kind) };
}

describe('a chart with an IAM link, linked into a Deployment', () => {
  test('manifests (snapshot; the RDS CA bundle ConfigMap left out)', () => {
    // GIVEN
    const c = chart();
    deployment(c);

    // WHEN
    const manifests = Testing.synth(c);

    // THEN
    expect(manifests.filter(m => m.kind !== 'ConfigMap')).toMatchSnapshot();
  });

  test('no password variable, no password anywhere; the URL has none', () => {
    // GIVEN
    const props = {};

    // WHEN
    const { manifests, byKind } = linkedManifests(props);

    // THEN
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
    // GIVEN
    const props = {};

    // WHEN
    const { byKind } = linkedManifests(props);

    // THEN
    expect(byKind('ServiceAccount').map(s => s.metadata.name)).toEqual(['orders-db']);
    expect(byKind('Deployment')[0].spec.template.spec.serviceAccountName).toBe('orders-db');
  });

  test('the refresher sidecar writes a line for the writer and the reader host; the app gets PGPASSFILE', () => {
    // GIVEN
    const props = {};

    // WHEN
    const { byKind } = linkedManifests(props);

    // THEN
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

  test('cdk8s App.synth() writes the sidecar too (the chart renders itself)', () => {
    // GIVEN
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-link-'));
    const c = chart({}, new App({ outdir }));
    deployment(c);

    // WHEN
    (c.node.root as App).synth();

    // THEN
    const yaml = fs.readFileSync(path.join(outdir, 'orders-db.k8s.yaml'), 'utf8');
    expect(yaml).toContain('restartPolicy: Always');
    expect(yaml).toContain('serviceAccountName: orders-db');
  });
});

test('tokenRefresherImage overrides the image', () => {
  // GIVEN
  const props = { tokenRefresherImage: 'registry.example.com/aws-cli:2.27.0' };

  // WHEN
  const { byKind } = linkedManifests(props);

  // THEN
  expect(byKind('Deployment')[0].spec.template.spec.initContainers[0].image).toBe('registry.example.com/aws-cli:2.27.0');
});

test('an IAM link from an outputs file works the same', () => {
  // GIVEN
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

  // WHEN
  const { manifests } = linkedManifests({ links: [{ moduleName: 'rds', database: DatabaseLink.fromCdkOutputs(outputs, 'Db', 'rdsOrders') }] });

  // THEN
  const text = JSON.stringify(manifests);
  expect(text).toContain('"TOKEN_HOSTS","value":"h.eu-west-1.rds.amazonaws.com"');
  expect(text).not.toMatch(/_db_password/);
});

test('refuses sslMode below require with an IAM link', () => {
  // GIVEN
  const props = { sslMode: SslMode.PREFER };

  // WHEN
  const create = () => chart(props);

  // THEN
  expect(create).toThrow(/\[CHART_IAM_SSL_MODE\] .*invalid sslMode 'prefer'.*\(links\[0\]\)/);
});

test('refuses an IAM link without serviceAccountName', () => {
  // GIVEN
  const props = { serviceAccountName: undefined };

  // WHEN
  const create = () => chart(props);

  // THEN
  expect(create).toThrow(/\[CHART_IAM_SERVICE_ACCOUNT_MISSING\] .*missing serviceAccountName\./);
});

test('refuses two IAM links in one chart', () => {
  // GIVEN
  const links = [{ moduleName: 'a', database: IAM_LINK }, { moduleName: 'b', database: IAM_LINK }];

  // WHEN
  const create = () => chart({ links });

  // THEN
  expect(create).toThrow(/\[CHART_IAM_LINK_TWICE\] .*invalid links\[1\]\.database 'a second IAM link'/);
});

test('PLAIN mode takes an IAM link too (nothing secret in it)', () => {
  // GIVEN
  const c = chart({ secretMode: LinkSecretMode.PLAIN });

  // WHEN
  const manifests = Testing.synth(c);

  // THEN
  expect(manifests.find(m => m.kind === 'Secret').stringData.rds_db_user).toBe('orders');
});

test('linkWorkload refuses a chart with an IAM link (it would add no token refresher)', () => {
  // GIVEN
  const c = chart();
  const d = new kplus.Deployment(c, 'Orders', { containers: [{ image: 'orders:1' }] });

  // WHEN
  const link = () => c.linkWorkload(d);

  // THEN
  expect(link).toThrow(/\[CHART_LINK_WORKLOAD_WITH_IAM\] .*invalid workload 'orders-db\/Orders'/);
});

test('linkContainer refuses, with an IAM link, a workload of a chart inside the chart (that chart renders it)', () => {
  // GIVEN
  const c = chart();
  const inner = new Chart(c, 'inner');

  // WHEN
  const link = () => deployment(inner, c);

  // THEN
  expect(link).toThrow(/\[CHART_IAM_POD_IN_OTHER_CHART\] .*in chart 'orders-db\/inner'/);
});

test('cdk8s App.synth() with one file per resource is refused: it would skip the token refresher', () => {
  // GIVEN
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-link-'));
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
  deployment(chart({}, app));

  // WHEN
  const synth = () => app.synth();

  // THEN
  expect(synth).toThrow(/\[CHART_IAM_FILE_PER_RESOURCE\]/);
});
