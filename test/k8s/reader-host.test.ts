import { X509Certificate } from 'crypto';
import { Testing } from 'cdk8s';
import { ARN_EAST, VARIANT_OUTPUTS, find, localLink, objectsOf } from './fixtures';
import { DatabaseLink, LinkSecretMode, PostgresLinkChart, PostgresLink, SslMode } from '../../src';

const READER = 'orders.cluster-ro-c1a2b3.us-east-1.rds.amazonaws.com';
/** The standard variant's outputs with the reader host that AuroraPostgres publishes now. */
const OUTPUTS = { OrdersDb: { ...VARIANT_OUTPUTS.Standard, rdsDbReaderHost: READER } };

function chartOf(links: PostgresLink[], secretMode?: LinkSecretMode) {
  return new PostgresLinkChart(Testing.app(), 'orders-db', { namespace: 'orders', links, secretMode });
}

describe('readerHost: true on a link', () => {
  const database = DatabaseLink.fromCdkOutputs(OUTPUTS, 'OrdersDb', 'rds');

  test('adds <moduleName>_db_reader_host after the link\'s other variables; Opta\'s four stay as they are', () => {
    const withReader = chartOf([{ moduleName: 'rds', database, readerHost: true }]);
    const without = chartOf([{ moduleName: 'rds', database }]);
    expect(Object.keys(withReader.envVariables)).toEqual([...Object.keys(without.envVariables), 'rds_db_reader_host']);
    expect(Object.keys(without.envVariables).slice(0, 4)).toEqual(['rds_db_user', 'rds_db_password', 'rds_db_name', 'rds_db_host']);
    const data = find(objectsOf(withReader), 'ExternalSecret').spec.target.template.data;
    const dataWithout = find(objectsOf(without), 'ExternalSecret').spec.target.template.data;
    expect(data).toEqual({ ...dataWithout, rds_db_reader_host: READER });
    expect(data.rds_db_host).toBe(VARIANT_OUTPUTS.Standard.rdsDbHost); // the writer stays the host
  });

  test('only links that ask get it', () => {
    const other = DatabaseLink.fromValues({ host: 'reports.cluster-x.us-east-1.rds.amazonaws.com', readerHost: 'reports.cluster-ro-x.us-east-1.rds.amazonaws.com', secretArn: ARN_EAST });
    const chart = chartOf([{ moduleName: 'orders', database, readerHost: true }, { moduleName: 'reports', database: other }]);
    const names = Object.keys(chart.envVariables);
    expect(names.filter(n => n.endsWith('_db_reader_host'))).toEqual(['orders_db_reader_host']);
  });

  test('rename.dbReaderHost renames it', () => {
    const chart = chartOf([{
      moduleName: 'rds',
      database,
      readerHost: true,
      rename: { dbUser: 'U', dbPassword: 'P', dbName: 'N', dbHost: 'H', dbReaderHost: 'READ_HOST' },
    }]);
    expect(Object.keys(chart.envVariables)).toEqual(['U', 'P', 'N', 'H', 'rds_db_port', 'rds_db_url', 'rds_db_jdbc_url', 'READ_HOST']);
  });

  test('PLAIN mode writes it into the Secret', () => {
    const local = DatabaseLink.fromValues({ host: '127.0.0.1', readerHost: '127.0.0.2', port: 5432, databaseName: 'orders', username: 'u', password: 'p' });
    const secret = find(objectsOf(chartOf([{ moduleName: 'rds', database: local, readerHost: true }], LinkSecretMode.PLAIN)), 'Secret');
    expect(secret.stringData.rds_db_reader_host).toBe('127.0.0.2');
    expect(secret.stringData.rds_db_host).toBe('127.0.0.1');
  });

  test('a link whose database has no reader host is refused', () => {
    // An outputs file from before <moduleName>DbReaderHost existed.
    const older = DatabaseLink.fromCdkOutputs({ OrdersDb: VARIANT_OUTPUTS.Standard }, 'OrdersDb', 'rds');
    expect(() => chartOf([{ moduleName: 'rds', database: older, readerHost: true }])).toThrow(
      /PostgresLinkChart at 'orders-db': invalid links\[0\]\.readerHost true\. Allowed: only for a database with a reader endpoint \(DatabaseLink\.readerHost\); this link has none.*Fix: add a reader/);
    expect(() => chartOf([{ moduleName: 'rds', database: localLink(), readerHost: false }], LinkSecretMode.PLAIN)).not.toThrow();
  });

  test('an RDS Proxy read-only endpoint (an outputs file from before readers bypassed the proxy) is refused with verify-full', () => {
    const proxyReader = 'ro.endpoint.proxy-c1a2b3d4.us-east-1.rds.amazonaws.com';
    const older = DatabaseLink.fromCdkOutputs({ OrdersDb: { ...VARIANT_OUTPUTS.Standard, rdsDbReaderHost: proxyReader } }, 'OrdersDb', 'rds');
    expect(() => chartOf([{ moduleName: 'rds', database: older, readerHost: true }])).toThrow(
      /invalid links\[0\]\.database\.readerHost 'ro\.endpoint\.proxy-c1a2b3d4\.us-east-1\.rds\.amazonaws\.com'\. Allowed: with sslMode verify-full, a reader host whose certificate names it: an RDS Proxy endpoint you create .*names only its default endpoint .*Fix: deploy the database again/);
    // The proxy's default endpoint as the host is fine (its certificate names it), and so is a chart that does not verify names.
    const proxyHost = DatabaseLink.fromValues({ host: 'orders.proxy-c1a2b3d4.us-east-1.rds.amazonaws.com', readerHost: proxyReader, secretArn: ARN_EAST });
    expect(() => chartOf([{ moduleName: 'rds', database: proxyHost }])).not.toThrow();
    expect(() => new PostgresLinkChart(Testing.app(), 'c', { namespace: 'orders', sslMode: SslMode.VERIFY_CA, links: [{ moduleName: 'rds', database: older, readerHost: true }] }))
      .not.toThrow();
  });
});

describe('the chart\'s CA bundle and RDS Proxy', () => {
  test('holds the Amazon Trust Services roots that RDS Proxy certificates chain to, next to the RDS CAs', () => {
    const database = DatabaseLink.fromCdkOutputs(OUTPUTS, 'OrdersDb', 'rds');
    const configMap = find(objectsOf(chartOf([{ moduleName: 'rds', database }])), 'ConfigMap');
    const pems = String(configMap.data['ca.pem']).match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)!;
    const subjects = pems.map(pem => new X509Certificate(pem).subject.split('\n').find(l => l.startsWith('CN='))!);
    expect(subjects).toEqual(expect.arrayContaining([
      'CN=Amazon Root CA 1', 'CN=Amazon Root CA 2', 'CN=Amazon Root CA 3', 'CN=Amazon Root CA 4',
      'CN=Starfield Services Root Certificate Authority - G2',
    ]));
    expect(subjects.some(s => /^CN=Amazon RDS us-east-1 Root CA/.test(s))).toBe(true);
  });
});
