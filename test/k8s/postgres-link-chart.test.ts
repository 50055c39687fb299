import * as cdk from 'aws-cdk-lib';
import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ARN_EAST, ARN_REPORTS, HOSTILE_PASSWORD, find, localLink, objectsOf, reportsLink, resolveContainerEnv, variantLink } from './fixtures';
import { DatabaseLink, LinkSecretMode, PostgresLinkChart, PostgresLinkChartProps, SecretStoreKind } from '../../src';

const standard = () => variantLink('Standard');
/** The pipeline the ExternalSecret's template percent-encodes a value with inside the URL. */
const ENC = 'urlquery | replace "+" "%20"';

function chartOf(props: Partial<PostgresLinkChartProps> = {}, id = 'orders-db') {
  return new PostgresLinkChart(Testing.app(), id, {
    namespace: 'orders',
    links: [{ moduleName: 'rds', database: standard() }],
    ...props,
  });
}

/** The chart with a Deployment that takes chart.envVariables, synthesized. */
function withDeployment(chart: PostgresLinkChart) {
  new kplus.Deployment(chart, 'api', { containers: [{ image: 'orders:1', envVariables: chart.envVariables }] });
  return objectsOf(chart);
}

describe('environment variables', () => {
  test("Opta's names plus the port, the URL and the JDBC URL, module name used as is, each a secretKeyRef to the chart's Secret", () => {
    // GIVEN
    const chart = chartOf({ links: [{ moduleName: 'OrdersDb', database: standard() }] });

    // WHEN
    const objects = withDeployment(chart);

    // THEN
    const env = find(objects, 'Deployment').spec.template.spec.containers[0].env;
    expect(env).toEqual(['OrdersDb_db_user', 'OrdersDb_db_password', 'OrdersDb_db_name', 'OrdersDb_db_host', 'OrdersDb_db_port', 'OrdersDb_db_url', 'OrdersDb_db_jdbc_url']
      .map(name => ({ name, valueFrom: { secretKeyRef: { name: 'orders-db-db-links', key: name } } })));
  });

  test('envNames names the four fields and keeps <module>_db_port, <module>_db_url and <module>_db_jdbc_url', () => {
    // GIVEN
    const envNames = { user: 'DBUSER', password: 'DBPASS', name: 'DBNAME', host: 'DBHOST' };

    // WHEN
    const chart = chartOf({ links: [{ moduleName: 'rds', database: standard(), envNames }] });

    // THEN
    expect(Object.keys(chart.envVariables)).toEqual(['DBUSER', 'DBPASS', 'DBNAME', 'DBHOST', 'rds_db_port', 'rds_db_url', 'rds_db_jdbc_url']);
  });

  test('envNames may name the port and the URLs too', () => {
    // GIVEN
    const envNames = { user: 'U', password: 'P', name: 'N', host: 'H', port: 'PORT', url: 'DATABASE_URL', jdbcUrl: 'SPRING_DATASOURCE_URL' };

    // WHEN
    const chart = chartOf({ links: [{ moduleName: 'rds', database: standard(), envNames }] });

    // THEN
    expect(Object.keys(chart.envVariables)).toEqual(['U', 'P', 'N', 'H', 'PORT', 'DATABASE_URL', 'SPRING_DATASOURCE_URL']);
  });

  test('the deprecated rename renames the four fields and keeps <module>_db_port, <module>_db_url and <module>_db_jdbc_url', () => {
    // GIVEN
    const rename = { dbUser: 'DBUSER', dbPassword: 'DBPASS', dbName: 'DBNAME', dbHost: 'DBHOST' };

    // WHEN
    const chart = chartOf({ links: [{ moduleName: 'rds', database: standard(), rename }] });

    // THEN
    expect(Object.keys(chart.envVariables)).toEqual(['DBUSER', 'DBPASS', 'DBNAME', 'DBHOST', 'rds_db_port', 'rds_db_url', 'rds_db_jdbc_url']);
  });

  test('the deprecated rename may rename the port and the URLs too', () => {
    // GIVEN
    const rename = { dbUser: 'U', dbPassword: 'P', dbName: 'N', dbHost: 'H', dbPort: 'PORT', dbUrl: 'DATABASE_URL', dbJdbcUrl: 'SPRING_DATASOURCE_URL' };

    // WHEN
    const chart = chartOf({ links: [{ moduleName: 'rds', database: standard(), rename }] });

    // THEN
    expect(Object.keys(chart.envVariables)).toEqual(['U', 'P', 'N', 'H', 'PORT', 'DATABASE_URL', 'SPRING_DATASOURCE_URL']);
  });

  test('several links: one Secret with every variable, each credential read from its own secret', () => {
    // GIVEN
    const chart = chartOf({
      links: [
        { moduleName: 'orders', database: standard() },
        { moduleName: 'reports', database: reportsLink() },
      ],
    });

    // WHEN
    const objects = objectsOf(chart);

    // THEN
    const spec = find(objects, 'ExternalSecret').spec;
    expect(Object.keys(spec.target.template.data).sort()).toEqual(Object.keys(chart.envVariables).sort());
    expect(Object.keys(chart.envVariables)).toHaveLength(14);
    expect(spec.data).toEqual([
      { secretKey: 'link0Password', remoteRef: { key: ARN_EAST, property: 'password' } },
      { secretKey: 'link1Username', remoteRef: { key: ARN_REPORTS, property: 'username' } },
      { secretKey: 'link1Password', remoteRef: { key: ARN_REPORTS, property: 'password' } },
      { secretKey: 'link1Dbname', remoteRef: { key: ARN_REPORTS, property: 'dbname' } },
    ]);
    expect(spec.target.template.data).toMatchObject({
      orders_db_password: '{{ .link0Password }}',
      reports_db_user: '{{ .link1Username }}',
      reports_db_password: '{{ .link1Password }}',
      reports_db_name: '{{ .link1Dbname }}',
      reports_db_host: 'reports.cluster-g7h8i9.us-east-1.rds.amazonaws.com',
      reports_db_url: `postgresql://{{ .link1Username | ${ENC} }}:{{ .link1Password | ${ENC} }}@reports.cluster-g7h8i9.us-east-1.rds.amazonaws.com:5432/{{ .link1Dbname | ${ENC} }}?sslmode=verify-full&sslrootcert=/etc/rds-ca/ca.pem`,
      reports_db_jdbc_url: `jdbc:postgresql://reports.cluster-g7h8i9.us-east-1.rds.amazonaws.com:5432/{{ .link1Dbname | ${ENC} }}?sslmode=verify-full&sslrootcert=/etc/rds-ca/ca.pem`,
    });
  });

  test("envFrom works too: the Secret's keys are the env var names", () => {
    // GIVEN
    const chart = chartOf({ secretMode: LinkSecretMode.PLAIN, links: [{ moduleName: 'rds', database: localLink('pw') }] });

    // WHEN
    new kplus.Deployment(chart, 'api', { containers: [{ image: 'orders:1', envFrom: [kplus.Env.fromSecret(chart.secret)] }] });
    const objects = objectsOf(chart);

    // THEN
    expect(find(objects, 'Deployment').spec.template.spec.containers[0].envFrom).toEqual([{ secretRef: { name: chart.secretName } }]);
    expect(Object.keys(find(objects, 'Secret', chart.secretName).stringData).sort()).toEqual(Object.keys(chart.envVariables).sort());
  });
});

describe('EXTERNAL_SECRET (the default)', () => {
  test('an ExternalSecret reads the password from Secrets Manager; host, port and literal credentials are filled in', () => {
    // GIVEN
    const chart = chartOf();

    // WHEN
    const objects = objectsOf(chart);

    // THEN
    expect(chart.usesExternalSecret).toBe(true);
    expect(objects.map(o => o.kind)).toEqual(['ExternalSecret', 'ConfigMap']);
    expect(find(objects, 'ExternalSecret')).toEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'orders-db-db-links', namespace: 'orders' },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { name: 'aws-secrets-manager', kind: 'SecretStore' },
        target: {
          name: 'orders-db-db-links',
          creationPolicy: 'Owner',
          template: {
            engineVersion: 'v2',
            type: 'Opaque',
            data: {
              rds_db_user: 'postgres',
              rds_db_password: '{{ .link0Password }}',
              rds_db_name: 'orders',
              rds_db_host: 'orders.cluster-c1a2b3.us-east-1.rds.amazonaws.com',
              rds_db_port: '5432',
              rds_db_url: `postgresql://postgres:{{ .link0Password | ${ENC} }}@orders.cluster-c1a2b3.us-east-1.rds.amazonaws.com:5432/orders?sslmode=verify-full&sslrootcert=/etc/rds-ca/ca.pem`,
              rds_db_jdbc_url: 'jdbc:postgresql://orders.cluster-c1a2b3.us-east-1.rds.amazonaws.com:5432/orders?sslmode=verify-full&sslrootcert=/etc/rds-ca/ca.pem',
            },
          },
        },
        data: [{ secretKey: 'link0Password', remoteRef: { key: ARN_EAST, property: 'password' } }],
      },
    });
  });

  test('store name and kind and the refresh interval (aws-cdk-lib Duration) are configurable', () => {
    // GIVEN
    const props = { secretStoreName: 'orders-aws', secretStoreKind: SecretStoreKind.SECRET_STORE, secretRefreshInterval: cdk.Duration.minutes(90) };

    // WHEN
    const spec = find(objectsOf(chartOf(props)), 'ExternalSecret').spec;

    // THEN
    expect(spec.secretStoreRef).toEqual({ name: 'orders-aws', kind: 'SecretStore' });
    expect(spec.refreshInterval).toBe('1h30m');
  });

  test('the deprecated refreshInterval (cdk8s Duration) still sets the refresh interval', () => {
    // GIVEN
    const props = { refreshInterval: Duration.minutes(90) };

    // WHEN
    const spec = find(objectsOf(chartOf(props)), 'ExternalSecret').spec;

    // THEN
    expect(spec.refreshInterval).toBe('1h30m');
  });

  test('the default store name is the one ExternalSecretsOperator renders', () => {
    // GIVEN
    const chart = chartOf();

    // WHEN
    const spec = find(objectsOf(chart), 'ExternalSecret').spec;

    // THEN
    expect(spec.secretStoreRef.name).toBe(PostgresLinkChart.DEFAULT_SECRET_STORE_NAME);
    expect(PostgresLinkChart.DEFAULT_SECRET_STORE_NAME).toBe('aws-secrets-manager');
  });

  test('a refresh interval of 0 reads the secret once', () => {
    // GIVEN
    const chart = chartOf({ secretRefreshInterval: cdk.Duration.seconds(0) });

    // WHEN
    const spec = find(objectsOf(chart), 'ExternalSecret').spec;

    // THEN
    expect(spec.refreshInterval).toBe('0s');
  });

  test('a secret name instead of an ARN is accepted (remoteRef.key takes both)', () => {
    // GIVEN
    const link = DatabaseLink.fromValues({ host: 'h', username: 'u', databaseName: 'd', secretArn: 'prod/orders/db' });

    // WHEN
    const spec = find(objectsOf(chartOf({ links: [{ moduleName: 'rds', database: link }] })), 'ExternalSecret').spec;

    // THEN
    expect(spec.data[0].remoteRef).toEqual({ key: 'prod/orders/db', property: 'password' });
  });

  test('literals in the template are escaped for Go templates: `{{` becomes {{ "{{" }}', () => {
    // GIVEN
    const link = DatabaseLink.fromValues({ host: 'h', username: 'a{{b}}c{{{', databaseName: '}}', secretArn: ARN_EAST });

    // WHEN
    const data = find(objectsOf(chartOf({ links: [{ moduleName: 'rds', database: link }] })), 'ExternalSecret').spec.target.template.data;

    // THEN
    expect(data.rds_db_user).toBe('a{{ "{{" }}b}}c{{ "{{" }}{');
    expect(data.rds_db_name).toBe('}}');
    expect(data.rds_db_password).toBe('{{ .link0Password }}');
  });

  test('links that read no secret (placeholders only) get a plain Secret, no ExternalSecret', () => {
    // GIVEN
    const chart = chartOf({ links: [{ moduleName: 'rds', database: variantLink('RestoredUnknown') }] });

    // WHEN
    const objects = objectsOf(chart);

    // THEN
    expect(chart.usesExternalSecret).toBe(false);
    expect(objects.map(o => o.kind)).toEqual(['Secret', 'ConfigMap']);
    expect(find(objects, 'Secret').stringData).toEqual({
      rds_db_user: 'UNKNOWN_SEE_ORIGINAL_DB',
      rds_db_password: 'UNKNOWN_SEE_ORIGINAL_DB',
      rds_db_name: 'UNKNOWN_SEE_ORIGINAL_DB',
      rds_db_host: 'orders.cluster-c1a2b3.us-east-1.rds.amazonaws.com',
      rds_db_port: '5432',
      rds_db_url: 'postgresql://UNKNOWN_SEE_ORIGINAL_DB:UNKNOWN_SEE_ORIGINAL_DB@orders.cluster-c1a2b3.us-east-1.rds.amazonaws.com:5432/UNKNOWN_SEE_ORIGINAL_DB?sslmode=verify-full&sslrootcert=/etc/rds-ca/ca.pem',
      rds_db_jdbc_url: 'jdbc:postgresql://orders.cluster-c1a2b3.us-east-1.rds.amazonaws.com:5432/UNKNOWN_SEE_ORIGINAL_DB?sslmode=verify-full&sslrootcert=/etc/rds-ca/ca.pem',
    });
  });

  test('placeholders pass through as literals next to values read from a secret', () => {
    // GIVEN
    const chart = chartOf({
      links: [{ moduleName: 'a', database: standard() }, { moduleName: 'b', database: variantLink('GlobalSecondaryNoSecret') }],
    });

    // WHEN
    const spec = find(objectsOf(chart), 'ExternalSecret').spec;

    // THEN
    expect(spec.data).toHaveLength(1);
    expect(spec.target.template.data).toMatchObject({
      b_db_user: 'UNKNOWN_SEE_PRIMARY_DB', b_db_password: 'UNKNOWN_SEE_PRIMARY_DB', b_db_name: 'UNKNOWN_SEE_PRIMARY_DB',
    });
  });
});

describe('PLAIN', () => {
  test('a plain Secret with every value inline, the password included', () => {
    // GIVEN
    const chart = chartOf({ secretMode: LinkSecretMode.PLAIN, links: [{ moduleName: 'rds', database: localLink() }] });

    // WHEN
    const objects = objectsOf(chart);

    // THEN
    expect(objects.map(o => o.kind)).toEqual(['Secret', 'ConfigMap']);
    expect(find(objects, 'Secret')).toMatchObject({
      metadata: { name: 'orders-db-db-links', namespace: 'orders' },
      type: 'Opaque',
      stringData: { rds_db_user: 'orders_app', rds_db_password: HOSTILE_PASSWORD, rds_db_name: 'orders', rds_db_host: '127.0.0.1', rds_db_port: '5432' },
    });
  });

  test('a Deployment using envVariables holds no value, only references', () => {
    // GIVEN
    const chart = chartOf({ secretMode: LinkSecretMode.PLAIN, links: [{ moduleName: 'rds', database: localLink() }] });

    // WHEN
    const objects = withDeployment(chart);

    // THEN
    expect(JSON.stringify(find(objects, 'Deployment'))).not.toContain('p@ss');
    expect(resolveContainerEnv(objects).rds_db_password).toBe(HOSTILE_PASSWORD);
  });
});

describe('names, namespace, RBAC', () => {
  test('every object is in the namespace; labels are passed through; the secret name is configurable', () => {
    // GIVEN
    const chart = chartOf({ secretName: 'orders-db', serviceAccountName: 'orders', labels: { team: 'orders' } });

    // WHEN
    const objects = objectsOf(chart);

    // THEN
    expect(chart.secretName).toBe('orders-db');
    expect(objects.map(o => [o.kind, o.metadata])).toEqual([
      ['ExternalSecret', { name: 'orders-db', namespace: 'orders', labels: { team: 'orders' } }],
      ['ConfigMap', { name: 'orders-db-rds-ca', namespace: 'orders', labels: { team: 'orders' } }],
      ['Role', { name: 'orders-db-reader', namespace: 'orders', labels: { team: 'orders' } }],
      ['RoleBinding', { name: 'orders-db-reader', namespace: 'orders', labels: { team: 'orders' } }],
    ]);
  });

  test('serviceAccountName: a Role with get on this one Secret only, bound to that ServiceAccount', () => {
    // GIVEN
    const chart = chartOf({ serviceAccountName: 'orders' });

    // WHEN
    const objects = objectsOf(chart);

    // THEN
    expect(find(objects, 'Role').rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['orders-db-db-links'], verbs: ['get'] }]);
    expect(find(objects, 'RoleBinding')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'orders-db-db-links-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'orders', namespace: 'orders' }],
    });
  });

  test('no serviceAccountName: no RBAC objects', () => {
    // GIVEN
    const chart = chartOf();

    // WHEN
    const objects = objectsOf(chart);

    // THEN
    expect(objects.filter(o => o.apiVersion.startsWith('rbac.'))).toEqual([]);
  });

  test('createNamespace: the Namespace comes first and is not itself namespaced', () => {
    // GIVEN
    const chart = chartOf({ createNamespace: true });

    // WHEN
    const objects = objectsOf(chart);

    // THEN
    expect(objects[0]).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'orders' } });
  });
});

describe('bad input fails at construct time with its code, prop, value, allowed and fix', () => {
  const fullEnvNames = { user: 'U', password: 'P', name: 'N', host: 'H' };
  const fullRename = { dbUser: 'U', dbPassword: 'P', dbName: 'N', dbHost: 'H' };

  test('envNames missing fields names the missing ones', () => {
    // GIVEN
    const envNames = { user: 'U', host: 'H' } as any;

    // WHEN
    const create = () => chartOf({ links: [{ moduleName: 'rds', database: standard(), envNames }] });

    // THEN
    expect(create).toThrow(/\[CHART_ENV_NAMES_INCOMPLETE\] .*invalid links\[0\]\.envNames .*missing: password, name\. Fix: add password: '<NAME>', name: '<NAME>'/);
  });

  test('a deprecated rename missing fields names the missing ones, in its own keys', () => {
    // GIVEN
    const rename = { dbUser: 'U', dbHost: 'H' };

    // WHEN
    const create = () => chartOf({ links: [{ moduleName: 'rds', database: standard(), rename }] });

    // THEN
    expect(create).toThrow(/\[CHART_ENV_NAMES_INCOMPLETE\] .*invalid links\[0\]\.rename .*dbPort, dbUrl, dbJdbcUrl and dbReaderHost are optional\); missing: dbPassword, dbName/);
  });

  test("a rename with Opta's snake_case keys", () => {
    // GIVEN
    const rename = { ...fullRename, db_port: 'X' } as any;

    // WHEN
    const create = () => chartOf({ links: [{ moduleName: 'rds', database: standard(), rename }] });

    // THEN
    expect(create).toThrow(/\[CHART_ENV_NAMES_KEY_UNKNOWN\] .*invalid links\[0\]\.rename .*unknown: db_port/);
  });

  test('envNames naming an invalid env var name', () => {
    // GIVEN
    const envNames = { ...fullEnvNames, host: 'DB-HOST' };

    // WHEN
    const create = () => chartOf({ links: [{ moduleName: 'rds', database: standard(), envNames }] });

    // THEN
    expect(create).toThrow(/\[CHART_ENV_NAME_INVALID\] .*invalid links\[0\]\.envNames\.host 'DB-HOST'/);
  });

  test('a rename to an invalid env var name names the rename key', () => {
    // GIVEN
    const rename = { ...fullRename, dbHost: 'DB-HOST' };

    // WHEN
    const create = () => chartOf({ links: [{ moduleName: 'rds', database: standard(), rename }] });

    // THEN
    expect(create).toThrow(/\[CHART_ENV_NAME_INVALID\] .*invalid links\[0\]\.rename\.dbHost 'DB-HOST'/);
  });

  test('envNames and the deprecated rename at once', () => {
    // GIVEN
    const link = { moduleName: 'rds', database: standard(), envNames: fullEnvNames, rename: fullRename };

    // WHEN
    const create = () => chartOf({ links: [link] });

    // THEN
    expect(create).toThrow(/\[CHART_ENV_NAMES_AND_RENAME\] .*links\[0\]\.rename/);
  });

  test('two links producing the same env var name', () => {
    // GIVEN
    const links = [
      { moduleName: 'rds', database: standard() },
      { moduleName: 'other', database: standard(), envNames: { ...fullEnvNames, host: 'rds_db_host' } },
    ];

    // WHEN
    const create = () => chartOf({ links });

    // THEN
    expect(create).toThrow(/\[CHART_ENV_NAME_TAKEN\] .*invalid links\[1\] 'rds_db_host'.*links\[0\] \(moduleName 'rds'\) already produces 'rds_db_host'/);
  });

  test('an invalid namespace', () => {
    // GIVEN
    const namespace = 'Orders_NS';

    // WHEN
    const create = () => chartOf({ namespace });

    // THEN
    expect(create).toThrow(/\[CHART_NAMESPACE_INVALID\] .*invalid namespace 'Orders_NS'/);
  });

  test('a missing namespace', () => {
    // GIVEN
    const namespace = undefined as any;

    // WHEN
    const create = () => chartOf({ namespace });

    // THEN
    expect(create).toThrow(/\[CHART_NAMESPACE_INVALID\] PostgresLinkChart at 'orders-db': missing namespace\./);
  });

  test('a module name that makes invalid env var names', () => {
    // GIVEN
    const links = [{ moduleName: 'orders-db', database: standard() }];

    // WHEN
    const create = () => chartOf({ links });

    // THEN
    expect(create).toThrow(/\[CHART_MODULE_NAME_INVALID\] .*invalid links\[0\]\.moduleName 'orders-db'/);
  });

  test('a link that is not a DatabaseLink', () => {
    // GIVEN
    const links = [{ moduleName: 'rds', database: { host: 'h' } as any }];

    // WHEN
    const create = () => chartOf({ links });

    // THEN
    expect(create).toThrow(/\[CHART_LINK_DATABASE_INVALID\] .*invalid links\[0\]\.database 'object'/);
  });

  test('a link that is not an object', () => {
    // GIVEN
    const links = [null as any];

    // WHEN
    const create = () => chartOf({ links });

    // THEN
    expect(create).toThrow(/\[CHART_LINK_NOT_AN_OBJECT\] .*invalid links\[0\] 'null'/);
  });

  test('a rename that is not an object', () => {
    // GIVEN
    const rename = 'DB' as any;

    // WHEN
    const create = () => chartOf({ links: [{ moduleName: 'rds', database: standard(), rename }] });

    // THEN
    expect(create).toThrow(/\[CHART_ENV_NAMES_NOT_AN_OBJECT\] .*invalid links\[0\]\.rename 'DB'\. Allowed: \{ dbUser, dbPassword, dbName, dbHost, dbPort\?/);
  });

  test('an empty links list', () => {
    // GIVEN
    const links: any[] = [];

    // WHEN
    const create = () => chartOf({ links });

    // THEN
    expect(create).toThrow(/\[CHART_LINKS_EMPTY\] .*invalid links \[\]/);
  });

  test('no links at all', () => {
    // GIVEN
    const links = undefined as any;

    // WHEN
    const create = () => chartOf({ links });

    // THEN
    expect(create).toThrow(/\[CHART_LINKS_EMPTY\] .*missing links\./);
  });

  test('PLAIN with a link that reads its password from a secret', () => {
    // GIVEN
    const secretMode = LinkSecretMode.PLAIN;

    // WHEN
    const create = () => chartOf({ secretMode });

    // THEN
    expect(create).toThrow(/\[CHART_PLAIN_READS_SECRET\] .*invalid links\[0\]\.database 'a link that reads password from the secret arn:/);
  });

  test('EXTERNAL_SECRET with a literal password (the error does not show it)', () => {
    // GIVEN
    const links = [{ moduleName: 'rds', database: localLink() }];

    // WHEN
    let message = '';
    try {
      chartOf({ links });
    } catch (e) {
      message = (e as Error).message;
    }

    // THEN
    expect(message).toMatch(/\[CHART_LITERAL_PASSWORD\] .*invalid links\[0\]\.database\.password '<a literal password, not shown>'/);
    expect(message).not.toContain('p@ss');
  });

  test.each(['NONE', 'FROM_SECRET', 'UNKNOWN_SEE_PRIMARY_DB', '  ', 'arn:aws:secretsmanager:us-east-1:123:secret:x', 'not a secret'])(
    'EXTERNAL_SECRET with no usable secret while a credential must be read from it: secretArn %p',
    (secretArn) => {
      // GIVEN
      const link = DatabaseLink.fromValues({ host: 'h', username: 'u', databaseName: 'd', secretArn });

      // WHEN
      const create = () => chartOf({ links: [{ moduleName: 'rds', database: link }] });

      // THEN
      expect(create).toThrow(/\[CHART_SECRET_ARN_INVALID\] .*invalid links\[0\]\.database\.secretArn .*because password must be read from it/);
    });

  test('secrets of two regions in one chart (one store reads one region)', () => {
    // GIVEN
    const links = [{ moduleName: 'east', database: standard() }, { moduleName: 'west', database: variantLink('GlobalSecondaryReplicatedSecret') }];

    // WHEN
    const create = () => chartOf({ links });

    // THEN
    expect(create).toThrow(/\[CHART_SECRET_REGIONS_MIXED\] .*invalid links\[1\]\.database\.secretArn 'arn:aws:secretsmanager:us-west-2:.*links\[0\] reads a secret in us-east-1, this one is in us-west-2/);
  });

  test('an invalid serviceAccountName', () => {
    // GIVEN
    const serviceAccountName = 'Orders App';

    // WHEN
    const create = () => chartOf({ serviceAccountName });

    // THEN
    expect(create).toThrow(/\[CHART_SERVICE_ACCOUNT_NAME_INVALID\] .*invalid serviceAccountName 'Orders App'/);
  });

  test('an invalid secretName', () => {
    // GIVEN
    const secretName = 'Orders_DB';

    // WHEN
    const create = () => chartOf({ secretName });

    // THEN
    expect(create).toThrow(/\[CHART_SECRET_NAME_INVALID\] .*invalid secretName 'Orders_DB'/);
  });

  test('a chart id that makes an invalid default secretName', () => {
    // GIVEN
    const id = 'OrdersDb';

    // WHEN
    const create = () => chartOf({}, id);

    // THEN
    expect(create).toThrow(/\[CHART_SECRET_NAME_INVALID\] .*invalid secretName 'OrdersDb-db-links'.*the chart id is 'OrdersDb'/);
  });

  test('an invalid secretStoreName', () => {
    // GIVEN
    const secretStoreName = 'AWS';

    // WHEN
    const create = () => chartOf({ secretStoreName });

    // THEN
    expect(create).toThrow(/\[CHART_SECRET_STORE_NAME_INVALID\] .*invalid secretStoreName 'AWS'/);
  });

  test('an unknown secretStoreKind', () => {
    // GIVEN
    const secretStoreKind = 'VaultStore' as any;

    // WHEN
    const create = () => chartOf({ secretStoreKind });

    // THEN
    expect(create).toThrow(/\[CHART_SECRET_STORE_KIND_UNKNOWN\] .*invalid secretStoreKind 'VaultStore'/);
  });

  test('an unknown secretMode', () => {
    // GIVEN
    const secretMode = 'SEALED' as any;

    // WHEN
    const create = () => chartOf({ secretMode });

    // THEN
    expect(create).toThrow(/\[CHART_SECRET_MODE_UNKNOWN\] .*invalid secretMode 'SEALED'/);
  });

  test('a refresh interval that is not whole seconds', () => {
    // GIVEN
    const secretRefreshInterval = cdk.Duration.millis(1500);

    // WHEN
    const create = () => chartOf({ secretRefreshInterval });

    // THEN
    expect(create).toThrow(/\[CHART_REFRESH_INTERVAL_INVALID\] .*invalid secretRefreshInterval '1 second 500 millis'/);
  });

  test('a deprecated refreshInterval that is not whole seconds names that prop', () => {
    // GIVEN
    const refreshInterval = Duration.millis(1500);

    // WHEN
    const create = () => chartOf({ refreshInterval });

    // THEN
    expect(create).toThrow(/\[CHART_REFRESH_INTERVAL_INVALID\] .*invalid refreshInterval '1 second 500 millis'/);
  });

  test('secretRefreshInterval and the deprecated refreshInterval at once', () => {
    // GIVEN
    const props = { secretRefreshInterval: cdk.Duration.hours(1), refreshInterval: Duration.hours(1) };

    // WHEN
    const create = () => chartOf(props);

    // THEN
    expect(create).toThrow(/\[CHART_REFRESH_INTERVAL_TWICE\] .*invalid refreshInterval/);
  });
});
