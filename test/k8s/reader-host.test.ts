import { X509Certificate } from 'crypto';
import { Testing } from 'cdk8s';
import { ARN_EAST, VARIANT_OUTPUTS, find, localLink, objectsOf } from './fixtures';
import { DatabaseLink, LinkSecretMode, PostgresLinkChart, PostgresLink, SslMode } from '../../src';

const READER = 'orders.cluster-ro-c1a2b3.us-east-1.rds.amazonaws.com';
/** The standard variant's outputs with the reader host that AuroraPostgres publishes now. */
const OUTPUTS = { OrdersDb: { ...VARIANT_OUTPUTS.Standard, rdsDbReaderHost: READER } };
const PROXY_READER = 'ro.endpoint.proxy-c1a2b3d4.us-east-1.rds.amazonaws.com';

function chartOf(links: PostgresLink[], secretMode?: LinkSecretMode) {
  return new PostgresLinkChart(Testing.app(), 'orders-db', { namespace: 'orders', links, secretMode });
}

/** The link of the standard variant's outputs with a reader host. */
const withReader = () => DatabaseLink.fromCdkOutputs(OUTPUTS, 'OrdersDb', 'rds');

/** A link from an outputs file whose reader host is an RDS Proxy read-only endpoint (before readers bypassed the proxy). */
const proxyReaderLink = () => DatabaseLink.fromCdkOutputs({ OrdersDb: { ...VARIANT_OUTPUTS.Standard, rdsDbReaderHost: PROXY_READER } }, 'OrdersDb', 'rds');

describe('includeReaderHost: true on a link', () => {
  test('adds <moduleName>_db_reader_host after the link\'s other variables; Opta\'s four stay as they are', () => {
    // GIVEN
    const database = withReader();

    // WHEN
    const reading = chartOf([{ moduleName: 'rds', database, includeReaderHost: true }]);
    const without = chartOf([{ moduleName: 'rds', database }]);

    // THEN
    expect(Object.keys(reading.envVariables)).toEqual([...Object.keys(without.envVariables), 'rds_db_reader_host']);
    expect(Object.keys(without.envVariables).slice(0, 4)).toEqual(['rds_db_user', 'rds_db_password', 'rds_db_name', 'rds_db_host']);
    const data = find(objectsOf(reading), 'ExternalSecret').spec.target.template.data;
    const dataWithout = find(objectsOf(without), 'ExternalSecret').spec.target.template.data;
    expect(data).toEqual({ ...dataWithout, rds_db_reader_host: READER });
    expect(data.rds_db_host).toBe(VARIANT_OUTPUTS.Standard.rdsDbHost); // the writer stays the host
  });

  test('the deprecated readerHost: true still adds it', () => {
    // GIVEN
    const database = withReader();

    // WHEN
    const chart = chartOf([{ moduleName: 'rds', database, readerHost: true }]);

    // THEN
    expect(Object.keys(chart.envVariables)).toContain('rds_db_reader_host');
  });

  test('only links that ask get it', () => {
    // GIVEN
    const other = DatabaseLink.fromValues({ host: 'reports.cluster-x.us-east-1.rds.amazonaws.com', readerHost: 'reports.cluster-ro-x.us-east-1.rds.amazonaws.com', secretArn: ARN_EAST });

    // WHEN
    const chart = chartOf([{ moduleName: 'orders', database: withReader(), includeReaderHost: true }, { moduleName: 'reports', database: other }]);

    // THEN
    const names = Object.keys(chart.envVariables);
    expect(names.filter(n => n.endsWith('_db_reader_host'))).toEqual(['orders_db_reader_host']);
  });

  test('envNames.readerHost names it', () => {
    // GIVEN
    const envNames = { user: 'U', password: 'P', name: 'N', host: 'H', readerHost: 'READ_HOST' };

    // WHEN
    const chart = chartOf([{ moduleName: 'rds', database: withReader(), includeReaderHost: true, envNames }]);

    // THEN
    expect(Object.keys(chart.envVariables)).toEqual(['U', 'P', 'N', 'H', 'rds_db_port', 'rds_db_url', 'rds_db_jdbc_url', 'READ_HOST']);
  });

  test('the deprecated rename.dbReaderHost renames it', () => {
    // GIVEN
    const rename = { dbUser: 'U', dbPassword: 'P', dbName: 'N', dbHost: 'H', dbReaderHost: 'READ_HOST' };

    // WHEN
    const chart = chartOf([{ moduleName: 'rds', database: withReader(), readerHost: true, rename }]);

    // THEN
    expect(Object.keys(chart.envVariables)).toEqual(['U', 'P', 'N', 'H', 'rds_db_port', 'rds_db_url', 'rds_db_jdbc_url', 'READ_HOST']);
  });

  test('PLAIN mode writes it into the Secret', () => {
    // GIVEN
    const local = DatabaseLink.fromValues({ host: '127.0.0.1', readerHost: '127.0.0.2', port: 5432, databaseName: 'orders', username: 'u', password: 'p' });

    // WHEN
    const secret = find(objectsOf(chartOf([{ moduleName: 'rds', database: local, includeReaderHost: true }], LinkSecretMode.PLAIN)), 'Secret');

    // THEN
    expect(secret.stringData.rds_db_reader_host).toBe('127.0.0.2');
    expect(secret.stringData.rds_db_host).toBe('127.0.0.1');
  });

  test('a link whose database has no reader host is refused', () => {
    // GIVEN an outputs file from before <moduleName>DbReaderHost existed
    const older = DatabaseLink.fromCdkOutputs({ OrdersDb: VARIANT_OUTPUTS.Standard }, 'OrdersDb', 'rds');

    // WHEN
    const create = () => chartOf([{ moduleName: 'rds', database: older, includeReaderHost: true }]);

    // THEN
    expect(create).toThrow(/\[CHART_READER_HOST_UNAVAILABLE\] .*invalid links\[0\]\.includeReaderHost true/);
    expect(() => chartOf([{ moduleName: 'rds', database: localLink(), includeReaderHost: false }], LinkSecretMode.PLAIN)).not.toThrow();
  });

  test('includeReaderHost and the deprecated readerHost at once', () => {
    // GIVEN
    const link = { moduleName: 'rds', database: withReader(), includeReaderHost: true, readerHost: true };

    // WHEN
    const create = () => chartOf([link]);

    // THEN
    expect(create).toThrow(/\[CHART_READER_HOST_AND_INCLUDE\] .*links\[0\]\.readerHost/);
  });

  test('an RDS Proxy read-only endpoint (an outputs file from before readers bypassed the proxy) is refused with verify-full', () => {
    // GIVEN
    const older = proxyReaderLink();

    // WHEN
    const create = () => chartOf([{ moduleName: 'rds', database: older, includeReaderHost: true }]);

    // THEN
    expect(create).toThrow(/\[CHART_READER_HOST_PROXY_ENDPOINT\] .*invalid links\[0\]\.database\.readerHost 'ro\.endpoint\.proxy-c1a2b3d4\.us-east-1\.rds\.amazonaws\.com'/);
  });

  test("the proxy's default endpoint as the host, and a chart that does not verify names, take a proxy read-only endpoint", () => {
    // GIVEN
    const proxyHost = DatabaseLink.fromValues({ host: 'orders.proxy-c1a2b3d4.us-east-1.rds.amazonaws.com', readerHost: PROXY_READER, secretArn: ARN_EAST });

    // WHEN
    const asHost = () => chartOf([{ moduleName: 'rds', database: proxyHost }]);
    const verifyCa = () => new PostgresLinkChart(Testing.app(), 'c', {
      namespace: 'orders', sslMode: SslMode.VERIFY_CA, links: [{ moduleName: 'rds', database: proxyReaderLink(), includeReaderHost: true }],
    });

    // THEN
    expect(asHost).not.toThrow();
    expect(verifyCa).not.toThrow();
  });
});

describe('the chart\'s CA bundle and RDS Proxy', () => {
  const subjectsOf = (database: DatabaseLink) => {
    const configMap = find(objectsOf(chartOf([{ moduleName: 'rds', database }])), 'ConfigMap');
    const pems = String(configMap.data['ca.pem']).match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)!;
    return pems.map(pem => new X509Certificate(pem).subject.split('\n').find(l => l.startsWith('CN='))!);
  };
  const PROXY_ROOTS = [
    'CN=Amazon Root CA 1', 'CN=Amazon Root CA 2', 'CN=Amazon Root CA 3', 'CN=Amazon Root CA 4',
    'CN=Starfield Services Root Certificate Authority - G2',
  ];

  test('holds the Amazon Trust Services roots that RDS Proxy certificates chain to, next to the RDS CAs, for a proxy host', () => {
    // GIVEN
    const proxied = { OrdersDb: { ...OUTPUTS.OrdersDb, rdsDbHost: 'rds-proxy.proxy-c1a2b3d4e5f6.us-east-1.rds.amazonaws.com' } };

    // WHEN
    const subjects = subjectsOf(DatabaseLink.fromCdkOutputs(proxied, 'OrdersDb', 'rds'));

    // THEN
    expect(subjects).toEqual(expect.arrayContaining(PROXY_ROOTS));
    expect(subjects.some(s => /^CN=Amazon RDS us-east-1 Root CA/.test(s))).toBe(true);
  });

  test('a cluster host (no proxy in the way): the RDS roots only', () => {
    // GIVEN
    const database = DatabaseLink.fromCdkOutputs(OUTPUTS, 'OrdersDb', 'rds');

    // WHEN
    const subjects = subjectsOf(database);

    // THEN
    expect(subjects.filter(s => PROXY_ROOTS.includes(s))).toEqual([]);
    expect(subjects).toHaveLength(3);
  });
});
