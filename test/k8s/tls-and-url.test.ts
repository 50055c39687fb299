import { X509Certificate } from 'crypto';
import { Duration as CdkDuration } from 'aws-cdk-lib';
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { parse as parseConnectionString } from 'pg-connection-string';
import { ARN_EAST, HOSTILE_PASSWORD, K8sObject, URL_PASSWORDS, find, localLink, objectsOf, variantLink } from './fixtures';
import { DatabaseLink, LinkSecretMode, PostgresLinkChart, PostgresLinkChartProps, SslMode } from '../../src';
import { percentEncode } from '../../src/k8s/private/connection-url';


function chartOf(props: Partial<PostgresLinkChartProps> = {}, app = Testing.app()) {
  return new PostgresLinkChart(app, 'orders-db', {
    namespace: 'orders',
    links: [{ moduleName: 'rds', database: variantLink('Standard') }],
    ...props,
  });
}

function plainChart(props: Partial<PostgresLinkChartProps> = {}, password = HOSTILE_PASSWORD) {
  return chartOf({ secretMode: LinkSecretMode.PLAIN, links: [{ moduleName: 'rds', database: localLink(password), libpqVariables: true }], ...props });
}

const secretOf = (objects: K8sObject[]) => find(objects, 'Secret').stringData as Record<string, string>;

describe('the connection URL', () => {
  test('RFC 3986: only unreserved characters stay, every other UTF-8 byte is %XX', () => {
    // GIVEN
    const value = 'a b+c%d@e:f/g?h#i\'j"k~l-m.n_o€';

    // WHEN
    const encoded = percentEncode(value);

    // THEN
    expect(encoded).toBe('a%20b%2Bc%25d%40e%3Af%2Fg%3Fh%23i%27j%22k~l-m.n_o%E2%82%AC');
    for (const p of URL_PASSWORDS) expect(decodeURIComponent(percentEncode(p))).toBe(p);
  });

  test('PLAIN: inline, and node-postgres reads every part back', () => {
    for (const password of URL_PASSWORDS) {
      // GIVEN
      const chart = plainChart({}, password);

      // WHEN
      const url = secretOf(objectsOf(chart)).rds_db_url;

      // THEN
      expect(url).toBe(`postgresql://orders_app:${percentEncode(password)}@127.0.0.1:5432/orders?sslmode=verify-full&sslrootcert=/etc/rds-ca/ca.pem`);
      const parsed = parseConnectionString(url.replace(/&sslrootcert=[^&]*/, '')); // the file exists only in the pod
      expect(parsed).toMatchObject({ user: 'orders_app', password, host: '127.0.0.1', port: '5432', database: 'orders' });
    }
  });

  test('an IPv6 host is bracketed', () => {
    // GIVEN
    const link = DatabaseLink.fromValues({ host: '::1', username: 'u', databaseName: 'd', password: 'p' });

    // WHEN
    const secret = secretOf(objectsOf(chartOf({ secretMode: LinkSecretMode.PLAIN, links: [{ moduleName: 'rds', database: link }] })));

    // THEN
    expect(secret.rds_db_url).toBe('postgresql://u:p@[::1]:5432/d?sslmode=verify-full&sslrootcert=/etc/rds-ca/ca.pem');
  });
});

describe('libpq variables', () => {
  test("libpqVariables: the same link under libpq's names, the CA bundle in PGSSLROOTCERT", () => {
    // GIVEN
    const chart = plainChart();

    // WHEN
    const secret = secretOf(objectsOf(chart));

    // THEN
    expect(Object.keys(chart.envVariables)).toEqual([
      'rds_db_user', 'rds_db_password', 'rds_db_name', 'rds_db_host', 'rds_db_port', 'rds_db_url', 'rds_db_jdbc_url',
      'PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'PGDATABASE', 'PGSSLMODE', 'PGSSLROOTCERT',
    ]);
    expect(secret).toMatchObject({
      PGHOST: '127.0.0.1',
      PGPORT: '5432',
      PGUSER: 'orders_app',
      PGPASSWORD: HOSTILE_PASSWORD,
      PGDATABASE: 'orders',
      PGSSLMODE: 'verify-full',
      PGSSLROOTCERT: '/etc/rds-ca/ca.pem',
    });
  });

  test('EXTERNAL_SECRET: PGPASSWORD comes from the secret too', () => {
    // GIVEN
    const chart = chartOf({ links: [{ moduleName: 'rds', database: variantLink('Standard'), libpqVariables: true }] });

    // WHEN
    const data = find(objectsOf(chart), 'ExternalSecret').spec.target.template.data;

    // THEN
    expect(data).toMatchObject({
      PGPASSWORD: '{{ .link0Password }}', PGUSER: 'postgres', PGSSLMODE: 'verify-full',
    });
  });

  test('without libpqVariables there is no PG* variable', () => {
    // GIVEN
    const props = {};

    // WHEN
    const chart = chartOf(props);

    // THEN
    expect(Object.keys(chart.envVariables).filter(k => k.startsWith('PG'))).toEqual([]);
  });
});

describe('sslMode and the CA bundle', () => {
  test("by default: verify-full, and a ConfigMap with the Amazon RDS roots of the link's region (a cluster host: no proxy roots)", () => {
    // GIVEN
    const chart = chartOf();

    // WHEN
    const configMap = find(objectsOf(chart), 'ConfigMap');

    // THEN
    expect(chart.sslMode).toBe(SslMode.VERIFY_FULL);
    expect(chart.caBundlePath).toBe('/etc/rds-ca/ca.pem');
    expect(chart.caConfigMapName).toBe('orders-db-rds-ca');
    expect(chart.rendersCaConfigMap).toBe(true);
    expect(Object.keys(configMap.data)).toEqual(['ca.pem']);
    const pems = configMap.data['ca.pem'].match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)!;
    expect(chart.caBundleRegions).toEqual(['us-east-1']);
    const names = pems.map((p: string) => new X509Certificate(p).subject.split('\n').find(l => l.startsWith('CN='))!);
    expect(names).toEqual([
      'CN=Amazon RDS us-east-1 Root CA ECC384 G1', 'CN=Amazon RDS us-east-1 Root CA RSA2048 G1', 'CN=Amazon RDS us-east-1 Root CA RSA4096 G1',
    ]);
    expect(Buffer.byteLength(configMap.data['ca.pem'])).toBeLessThanOrEqual(6 * 1024);
  });

  test.each([SslMode.REQUIRE, SslMode.PREFER, SslMode.DISABLE])('%s: no CA, no ConfigMap, no sslrootcert', (sslMode) => {
    // GIVEN
    const chart = plainChart({ sslMode });

    // WHEN
    const objects = objectsOf(chart);

    // THEN
    expect(chart.caBundlePath).toBeUndefined();
    expect(chart.caConfigMapName).toBeUndefined();
    expect(objects.map(o => o.kind)).toEqual(['Secret']);
    expect(secretOf(objects).rds_db_url).toMatch(new RegExp(`@127\\.0\\.0\\.1:5432/orders\\?sslmode=${sslMode}$`));
    expect(secretOf(objects)).toMatchObject({ PGSSLMODE: sslMode });
    expect(secretOf(objects).PGSSLROOTCERT).toBeUndefined();
  });

  test('VERIFY_CA keeps the CA', () => {
    // GIVEN
    const chart = plainChart({ sslMode: SslMode.VERIFY_CA });

    // WHEN
    const secret = secretOf(objectsOf(chart));

    // THEN
    expect(secret).toMatchObject({ PGSSLMODE: 'verify-ca', PGSSLROOTCERT: '/etc/rds-ca/ca.pem' });
  });

  test('caConfigMapName: your own CA ConfigMap, not rendered; caConfigMapKey and caBundlePath are followed', () => {
    // GIVEN
    const chart = plainChart({ caConfigMapName: 'corp-ca', caConfigMapKey: 'ca.crt', caBundlePath: '/var/run/ca/root.pem' });
    const deployment = new kplus.Deployment(chart, 'api', { containers: [{ image: 'orders:1' }] });

    // WHEN
    chart.linkContainer(deployment.containers[0]);
    const objects = objectsOf(chart);

    // THEN
    expect(objects.map(o => o.kind)).toEqual(['Secret', 'Deployment']);
    expect(chart.rendersCaConfigMap).toBe(false);
    expect(secretOf(objects)).toMatchObject({ PGSSLROOTCERT: '/var/run/ca/root.pem' });
    const pod = find(objects, 'Deployment').spec.template.spec;
    expect(pod.volumes).toEqual([{ name: 'db-ca-bundle', configMap: { name: 'corp-ca', items: [{ key: 'ca.crt', path: 'root.pem' }] } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'db-ca-bundle', mountPath: '/var/run/ca', readOnly: true }]);
  });
});

describe('linkContainer', () => {
  test('one call: every variable as a secretKeyRef, the TLS settings as values, and the CA bundle mounted read-only at caBundlePath', () => {
    // GIVEN
    const chart = plainChart();
    const deployment = new kplus.Deployment(chart, 'api', { containers: [{ image: 'orders:1' }, { image: 'sidecar:1' }] });
    deployment.addInitContainer({ image: 'migrate:1' });

    // WHEN
    chart.linkContainer(deployment.containers[0]);
    chart.linkContainer(deployment.containers[0]); // twice: no second mount
    chart.linkContainer(deployment.initContainers[0]);
    const pod = find(objectsOf(chart), 'Deployment').spec.template.spec;

    // THEN
    for (const container of [pod.containers[0], pod.initContainers[0]]) {
      const refs = Object.keys(chart.envVariables).filter(name => !name.startsWith('PGSSL'))
        .map(name => ({ name, valueFrom: { secretKeyRef: { name: chart.secretName, key: name } } }));
      expect(container.env).toEqual([
        ...refs,
        // libpqVariables' PGSSLMODE and PGSSLROOTCERT hold the same values: a linked container gets them as values
        { name: 'PGSSLMODE', value: 'verify-full' },
        { name: 'PGSSLROOTCERT', value: '/etc/rds-ca/ca.pem' },
        { name: 'NODE_EXTRA_CA_CERTS', value: '/etc/rds-ca/ca.pem' },
      ]);
      expect(container.volumeMounts).toEqual([{ name: 'db-ca-bundle', mountPath: '/etc/rds-ca', readOnly: true }]);
    }
    expect(pod.containers[1].env).toBeUndefined();
    expect(pod.volumes).toEqual([{ name: 'db-ca-bundle', configMap: { name: 'orders-db-rds-ca', items: [{ key: 'ca.pem', path: 'ca.pem' }] } }]);
  });

  test('a container of a Pod, a StatefulSet or a CronJob of the chart works too; no mount without a CA', () => {
    // GIVEN
    const chart = plainChart({ sslMode: SslMode.REQUIRE });
    const pod = new kplus.Pod(chart, 'pod', { containers: [{ image: 'x' }] });

    // WHEN
    chart.linkContainer(pod.containers[0]);
    const spec = find(objectsOf(chart), 'Pod').spec;

    // THEN
    expect(spec.containers[0].env.map((e: any) => e.name)).toContain('rds_db_url');
    expect(spec.containers[0].env).toContainEqual({ name: 'PGSSLMODE', value: 'require' });
    expect(spec.containers[0].env.map((e: any) => e.name)).not.toContain('NODE_EXTRA_CA_CERTS');
    expect(spec.containers[0].volumeMounts).toBeUndefined();
    expect(chart.tlsEnvVariables).toEqual({ PGSSLMODE: 'require' });
  });
});

describe('restartOnSecretChange', () => {
  test("Stakater Reloader's annotations name the Secret and the rendered CA ConfigMap, keeping names already there", () => {
    // GIVEN
    const chart = chartOf();
    const deployment = new kplus.Deployment(chart, 'api', { containers: [{ image: 'orders:1' }] });
    deployment.metadata.addAnnotation('secret.reloader.stakater.com/reload', 'other-secret');

    // WHEN
    chart.restartOnSecretChange(deployment);
    chart.restartOnSecretChange(deployment); // idempotent

    // THEN
    expect(find(objectsOf(chart), 'Deployment').metadata.annotations).toEqual({
      'secret.reloader.stakater.com/reload': 'other-secret,orders-db-db-links',
      'configmap.reloader.stakater.com/reload': 'orders-db-rds-ca',
    });
  });

  test('with your own CA ConfigMap (or none), only the Secret', () => {
    // GIVEN
    const chart = chartOf({ caConfigMapName: 'corp-ca' });
    const set = new kplus.StatefulSet(chart, 'db-client', { containers: [{ image: 'x' }], service: new kplus.Service(chart, 'svc', { ports: [{ port: 80 }] }) });

    // WHEN
    chart.restartOnSecretChange(set);

    // THEN
    expect(find(objectsOf(chart), 'StatefulSet').metadata.annotations).toEqual({ 'secret.reloader.stakater.com/reload': 'orders-db-db-links' });
  });
});

describe('refresh interval against the rotation interval', () => {
  const rotated = (days: number) => DatabaseLink.fromValues({
    host: 'h', username: 'u', databaseName: 'd', secretArn: ARN_EAST, rotationInterval: CdkDuration.days(days),
  });

  test('a refresh of at most half the rotation interval is accepted', () => {
    // GIVEN
    const halfOfTwoDays = { links: [{ moduleName: 'rds', database: rotated(2) }], secretRefreshInterval: CdkDuration.days(1) };
    const defaultOfThirty = { links: [{ moduleName: 'rds', database: rotated(30) }] };

    // WHEN
    const create = (props: Partial<PostgresLinkChartProps>) => () => chartOf(props);

    // THEN
    expect(create(halfOfTwoDays)).not.toThrow();
    expect(create(defaultOfThirty)).not.toThrow();
  });

  test('PLAIN and links without rotation are not checked', () => {
    // GIVEN
    const props = { secretRefreshInterval: CdkDuration.seconds(0) };

    // WHEN
    const create = () => chartOf(props);

    // THEN
    expect(create).not.toThrow();
  });
});

describe('bad input fails at construct time with its code, prop, value, allowed and fix', () => {
  test('libpqVariables on two links', () => {
    // GIVEN
    const links = [
      { moduleName: 'a', database: variantLink('Standard'), libpqVariables: true },
      { moduleName: 'b', database: variantLink('Standard'), libpqVariables: true },
    ];

    // WHEN
    const create = () => chartOf({ links });

    // THEN
    expect(create).toThrow(/\[CHART_LIBPQ_VARIABLES_TWICE\] .*invalid links\[1\]\.libpqVariables true.*links\[0\] already takes them/);
  });

  test('a CA with an sslMode that does not verify the server', () => {
    // GIVEN
    const props = { sslMode: SslMode.REQUIRE, caConfigMapName: 'corp-ca', caBundlePath: '/ca/ca.pem' };

    // WHEN
    const create = () => chartOf(props);

    // THEN
    expect(create).toThrow(/\[CHART_CA_WITHOUT_VERIFY\] .*invalid caConfigMapName, caBundlePath 'corp-ca, \/ca\/ca\.pem'.*sslMode require does not check/);
  });

  test('a CA ConfigMap name that is not a DNS subdomain', () => {
    // GIVEN
    const caConfigMapName = 'Corp_CA';

    // WHEN
    const create = () => chartOf({ caConfigMapName });

    // THEN
    expect(create).toThrow(/\[CHART_CA_CONFIG_MAP_NAME_INVALID\] .*invalid caConfigMapName 'Corp_CA'/);
  });

  test('a CA ConfigMap key that is not a ConfigMap key', () => {
    // GIVEN
    const caConfigMapKey = 'ca/bundle.pem';

    // WHEN
    const create = () => chartOf({ caConfigMapKey });

    // THEN
    expect(create).toThrow(/\[CHART_CA_CONFIG_MAP_KEY_INVALID\] .*invalid caConfigMapKey 'ca\/bundle\.pem'/);
  });

  test.each(['ca.pem', '/ca.pem', '/etc/rds-ca/', '/etc/../ca.pem'])('a caBundlePath that cannot be mounted: %p', (caBundlePath) => {
    // GIVEN
    const props = { caBundlePath };

    // WHEN
    const create = () => chartOf(props);

    // THEN
    expect(create).toThrow(/\[CHART_CA_BUNDLE_PATH_INVALID\] .*invalid caBundlePath/);
  });

  test('linkContainer on a container that sets a TLS setting of its own', () => {
    // GIVEN
    const chart = plainChart();
    const deployment = new kplus.Deployment(chart, 'api', { containers: [{ image: 'orders:1', envVariables: { NODE_EXTRA_CA_CERTS: kplus.EnvValue.fromValue('/etc/corp/ca.pem') } }] });

    // WHEN
    const link = () => chart.linkContainer(deployment.containers[0]);

    // THEN
    expect(link).toThrow(/\[CHART_CONTAINER_TLS_ENV_TAKEN\] .*invalid container 'container 'main' with NODE_EXTRA_CA_CERTS=\/etc\/corp\/ca\.pem'/);
  });

  test('linkContainer on a container of another chart', () => {
    // GIVEN
    const app = Testing.app();
    const chart = chartOf({}, app);
    const other = new kplus.Deployment(new PostgresLinkChart(app, 'other', { namespace: 'other', links: [{ moduleName: 'rds', database: variantLink('Standard') }] }), 'api', {
      containers: [{ name: 'api', image: 'other:1' }],
    });

    // WHEN
    const link = () => chart.linkContainer(other.containers[0]);

    // THEN
    expect(link).toThrow(/\[CHART_CONTAINER_OUTSIDE_CHART\] PostgresLinkChart at 'orders-db': invalid container 'container 'api' \(image other:1\)'/);
  });

  test('restartOnSecretChange on a workload of another chart', () => {
    // GIVEN
    const chart = chartOf({}, Testing.app());
    const other = new kplus.Deployment(Testing.chart(), 'api', { containers: [{ image: 'x' }] });

    // WHEN
    const restart = () => chart.restartOnSecretChange(other);

    // THEN
    expect(restart).toThrow(/\[CHART_RELOADER_WORKLOAD_OUTSIDE_CHART\] .*invalid workload 'Deployment at '.*api''/);
  });

  test('a refresh of 0 (read once) with a rotated link', () => {
    // GIVEN
    const link = DatabaseLink.fromValues({ host: 'h', username: 'u', databaseName: 'd', secretArn: ARN_EAST, rotationInterval: CdkDuration.days(30) });

    // WHEN
    const create = () => chartOf({ links: [{ moduleName: 'rds', database: link }], secretRefreshInterval: CdkDuration.seconds(0) });

    // THEN
    expect(create).toThrow(/\[CHART_REFRESH_ONCE_WITH_ROTATION\] .*invalid secretRefreshInterval '0s \(read once\)'.*links\[0\] rotates every 30 days.*at most half of it \(360h\)/);
  });

  test('a refresh longer than half the rotation interval', () => {
    // GIVEN
    const link = DatabaseLink.fromValues({ host: 'h', username: 'u', databaseName: 'd', secretArn: ARN_EAST, rotationInterval: CdkDuration.days(1) });

    // WHEN
    const create = () => chartOf({ links: [{ moduleName: 'rds', database: link }], secretRefreshInterval: CdkDuration.hours(13) });

    // THEN
    expect(create).toThrow(/\[CHART_REFRESH_ABOVE_HALF_ROTATION\] .*invalid secretRefreshInterval '13h'.*links\[0\] rotates every 1 day.*at most half of it \(12h\)/);
  });
});
