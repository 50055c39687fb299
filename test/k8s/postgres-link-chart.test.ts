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
    const chart = chartOf({ links: [{ moduleName: 'OrdersDb', database: standard() }] });
    const objects = withDeployment(chart);
    const env = find(objects, 'Deployment').spec.template.spec.containers[0].env;
    expect(env).toEqual(['OrdersDb_db_user', 'OrdersDb_db_password', 'OrdersDb_db_name', 'OrdersDb_db_host', 'OrdersDb_db_port', 'OrdersDb_db_url', 'OrdersDb_db_jdbc_url']
      .map(name => ({ name, valueFrom: { secretKeyRef: { name: 'orders-db-db-links', key: name } } })));
  });

  test('a rename renames the four fields and keeps <module>_db_port, <module>_db_url and <module>_db_jdbc_url', () => {
    const chart = chartOf({
      links: [{ moduleName: 'rds', database: standard(), rename: { dbUser: 'DBUSER', dbPassword: 'DBPASS', dbName: 'DBNAME', dbHost: 'DBHOST' } }],
    });
    expect(Object.keys(chart.envVariables)).toEqual(['DBUSER', 'DBPASS', 'DBNAME', 'DBHOST', 'rds_db_port', 'rds_db_url', 'rds_db_jdbc_url']);
  });

  test('a rename may rename the port and the URLs too', () => {
    const chart = chartOf({
      links: [{
        moduleName: 'rds',
        database: standard(),
        rename: { dbUser: 'U', dbPassword: 'P', dbName: 'N', dbHost: 'H', dbPort: 'PORT', dbUrl: 'DATABASE_URL', dbJdbcUrl: 'SPRING_DATASOURCE_URL' },
      }],
    });
    expect(Object.keys(chart.envVariables)).toEqual(['U', 'P', 'N', 'H', 'PORT', 'DATABASE_URL', 'SPRING_DATASOURCE_URL']);
  });

  test('several links: one Secret with every variable, each credential read from its own secret', () => {
    const chart = chartOf({
      links: [
        { moduleName: 'orders', database: standard() },
        { moduleName: 'reports', database: reportsLink() },
      ],
    });
    const objects = objectsOf(chart);
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
    const chart = chartOf({ secretMode: LinkSecretMode.PLAIN, links: [{ moduleName: 'rds', database: localLink('pw') }] });
    new kplus.Deployment(chart, 'api', { containers: [{ image: 'orders:1', envFrom: [kplus.Env.fromSecret(chart.secret)] }] });
    const objects = objectsOf(chart);
    expect(find(objects, 'Deployment').spec.template.spec.containers[0].envFrom).toEqual([{ secretRef: { name: chart.secretName } }]);
    expect(Object.keys(find(objects, 'Secret', chart.secretName).stringData).sort()).toEqual(Object.keys(chart.envVariables).sort());
  });
});

describe('EXTERNAL_SECRET (the default)', () => {
  test('an ExternalSecret reads the password from Secrets Manager; host, port and literal credentials are filled in', () => {
    const chart = chartOf();
    const objects = objectsOf(chart);
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

  test('store name and kind and the refresh interval are configurable', () => {
    const chart = chartOf({ secretStoreName: 'orders-aws', secretStoreKind: SecretStoreKind.SECRET_STORE, refreshInterval: Duration.minutes(90) });
    const spec = find(objectsOf(chart), 'ExternalSecret').spec;
    expect(spec.secretStoreRef).toEqual({ name: 'orders-aws', kind: 'SecretStore' });
    expect(spec.refreshInterval).toBe('1h30m');
  });

  test('a refresh interval of 0 reads the secret once', () => {
    expect(find(objectsOf(chartOf({ refreshInterval: Duration.seconds(0) })), 'ExternalSecret').spec.refreshInterval).toBe('0s');
  });

  test('a secret name instead of an ARN is accepted (remoteRef.key takes both)', () => {
    const link = DatabaseLink.fromValues({ host: 'h', username: 'u', databaseName: 'd', secretArn: 'prod/orders/db' });
    const spec = find(objectsOf(chartOf({ links: [{ moduleName: 'rds', database: link }] })), 'ExternalSecret').spec;
    expect(spec.data[0].remoteRef).toEqual({ key: 'prod/orders/db', property: 'password' });
  });

  test('literals in the template are escaped for Go templates: `{{` becomes {{ "{{" }}', () => {
    const link = DatabaseLink.fromValues({ host: 'h', username: 'a{{b}}c{{{', databaseName: '}}', secretArn: ARN_EAST });
    const data = find(objectsOf(chartOf({ links: [{ moduleName: 'rds', database: link }] })), 'ExternalSecret').spec.target.template.data;
    expect(data.rds_db_user).toBe('a{{ "{{" }}b}}c{{ "{{" }}{');
    expect(data.rds_db_name).toBe('}}');
    expect(data.rds_db_password).toBe('{{ .link0Password }}');
  });

  test('links that read no secret (placeholders only) get a plain Secret, no ExternalSecret', () => {
    const chart = chartOf({ links: [{ moduleName: 'rds', database: variantLink('RestoredUnknown') }] });
    const objects = objectsOf(chart);
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
    const chart = chartOf({
      links: [{ moduleName: 'a', database: standard() }, { moduleName: 'b', database: variantLink('GlobalSecondaryNoSecret') }],
    });
    const spec = find(objectsOf(chart), 'ExternalSecret').spec;
    expect(spec.data).toHaveLength(1);
    expect(spec.target.template.data).toMatchObject({
      b_db_user: 'UNKNOWN_SEE_PRIMARY_DB', b_db_password: 'UNKNOWN_SEE_PRIMARY_DB', b_db_name: 'UNKNOWN_SEE_PRIMARY_DB',
    });
  });
});

describe('PLAIN', () => {
  test('a plain Secret with every value inline, the password included', () => {
    const chart = chartOf({ secretMode: LinkSecretMode.PLAIN, links: [{ moduleName: 'rds', database: localLink() }] });
    const objects = objectsOf(chart);
    expect(objects.map(o => o.kind)).toEqual(['Secret', 'ConfigMap']);
    expect(find(objects, 'Secret')).toMatchObject({
      metadata: { name: 'orders-db-db-links', namespace: 'orders' },
      type: 'Opaque',
      stringData: { rds_db_user: 'orders_app', rds_db_password: HOSTILE_PASSWORD, rds_db_name: 'orders', rds_db_host: '127.0.0.1', rds_db_port: '5432' },
    });
  });

  test('a Deployment using envVariables holds no value, only references', () => {
    const chart = chartOf({ secretMode: LinkSecretMode.PLAIN, links: [{ moduleName: 'rds', database: localLink() }] });
    const objects = withDeployment(chart);
    expect(JSON.stringify(find(objects, 'Deployment'))).not.toContain('p@ss');
    expect(resolveContainerEnv(objects).rds_db_password).toBe(HOSTILE_PASSWORD);
  });
});

describe('names, namespace, RBAC', () => {
  test('every object is in the namespace; labels are passed through; the secret name is configurable', () => {
    const chart = chartOf({ secretName: 'orders-db', serviceAccountName: 'orders', labels: { team: 'orders' } });
    const objects = objectsOf(chart);
    expect(chart.secretName).toBe('orders-db');
    expect(objects.map(o => [o.kind, o.metadata])).toEqual([
      ['ExternalSecret', { name: 'orders-db', namespace: 'orders', labels: { team: 'orders' } }],
      ['ConfigMap', { name: 'orders-db-rds-ca', namespace: 'orders', labels: { team: 'orders' } }],
      ['Role', { name: 'orders-db-reader', namespace: 'orders', labels: { team: 'orders' } }],
      ['RoleBinding', { name: 'orders-db-reader', namespace: 'orders', labels: { team: 'orders' } }],
    ]);
  });

  test('serviceAccountName: a Role with get on this one Secret only, bound to that ServiceAccount', () => {
    const objects = objectsOf(chartOf({ serviceAccountName: 'orders' }));
    expect(find(objects, 'Role').rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['orders-db-db-links'], verbs: ['get'] }]);
    expect(find(objects, 'RoleBinding')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'orders-db-db-links-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'orders', namespace: 'orders' }],
    });
  });

  test('no serviceAccountName: no RBAC objects', () => {
    expect(objectsOf(chartOf()).filter(o => o.apiVersion.startsWith('rbac.'))).toEqual([]);
  });

  test('createNamespace: the Namespace comes first and is not itself namespaced', () => {
    const objects = objectsOf(chartOf({ createNamespace: true }));
    expect(objects[0]).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'orders' } });
  });
});

describe('bad input fails at construct time with prop, value, allowed and fix', () => {
  const fullRename = { dbUser: 'U', dbPassword: 'P', dbName: 'N', dbHost: 'H' };

  test('a rename missing fields names the missing ones', () => {
    expect(() => chartOf({ links: [{ moduleName: 'rds', database: standard(), rename: { dbUser: 'U', dbHost: 'H' } }] }))
      .toThrow(/PostgresLinkChart at 'orders-db': invalid links\[0\]\.rename \{"dbUser":"U","dbHost":"H"\}\. Allowed: To rename db variables you must provide aliases for these fields: dbUser, dbPassword, dbName, dbHost \(dbPort, dbUrl, dbJdbcUrl and dbReaderHost are optional\); missing: dbPassword, dbName\. Fix: add dbPassword: '<NAME>', dbName: '<NAME>'/);
  });

  test("a rename with Opta's snake_case keys", () => {
    expect(() => chartOf({ links: [{ moduleName: 'rds', database: standard(), rename: { ...fullRename, db_port: 'X' } as any }] }))
      .toThrow(/invalid links\[0\]\.rename .*Allowed: the keys dbUser, dbPassword, dbName, dbHost, dbPort, dbUrl, dbJdbcUrl, dbReaderHost; unknown: db_port/);
  });

  test('a rename to an invalid env var name', () => {
    expect(() => chartOf({ links: [{ moduleName: 'rds', database: standard(), rename: { ...fullRename, dbHost: 'DB-HOST' } }] }))
      .toThrow(/invalid links\[0\]\.rename\.dbHost 'DB-HOST'\. Allowed: an environment variable name matching \[A-Za-z_\]\[A-Za-z0-9_\]\*/);
  });

  test('two links producing the same env var name', () => {
    expect(() => chartOf({
      links: [
        { moduleName: 'rds', database: standard() },
        { moduleName: 'other', database: standard(), rename: { ...fullRename, dbHost: 'rds_db_host' } },
      ],
    })).toThrow(/invalid links\[1\] 'rds_db_host'\. Allowed: each environment variable name once per chart; links\[0\] \(moduleName 'rds'\) already produces 'rds_db_host'/);
  });

  test('an invalid namespace', () => {
    expect(() => chartOf({ namespace: 'Orders_NS' })).toThrow(/invalid namespace 'Orders_NS'\. Allowed: a DNS-1123 label/);
  });

  test('a module name that makes invalid env var names', () => {
    expect(() => chartOf({ links: [{ moduleName: 'orders-db', database: standard() }] }))
      .toThrow(/invalid links\[0\]\.moduleName 'orders-db'\. Allowed: a prefix that makes valid environment variable names/);
  });

  test('a link that is not a DatabaseLink', () => {
    expect(() => chartOf({ links: [{ moduleName: 'rds', database: { host: 'h' } as any }] }))
      .toThrow(/invalid links\[0\]\.database 'object'\. Allowed: a DatabaseLink/);
  });

  test('a link that is not an object', () => {
    expect(() => chartOf({ links: [null as any] })).toThrow(/invalid links\[0\] 'null'\. Allowed: \{ moduleName, database, rename\?, libpqVariables\?, readerHost\? \}/);
  });

  test('a rename that is not an object', () => {
    expect(() => chartOf({ links: [{ moduleName: 'rds', database: standard(), rename: 'DB' as any }] }))
      .toThrow(/invalid links\[0\]\.rename 'DB'\. Allowed: \{ dbUser, dbPassword, dbName, dbHost, dbPort\?, dbUrl\? \}/);
  });

  test('an empty links list', () => {
    expect(() => chartOf({ links: [] })).toThrow(/invalid links \[\]\. Allowed: one or more links/);
  });

  test('PLAIN with a link that reads its password from a secret', () => {
    expect(() => chartOf({ secretMode: LinkSecretMode.PLAIN }))
      .toThrow(/invalid links\[0\]\.database 'a link that reads password from the secret arn:.*'\. Allowed: in PLAIN mode, only links that hold every credential as a literal/);
  });

  test('EXTERNAL_SECRET with a literal password (the error does not show it)', () => {
    let message = '';
    try {
      chartOf({ links: [{ moduleName: 'rds', database: localLink() }] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/invalid links\[0\]\.database\.password '<a literal password, not shown>'\. Allowed: in EXTERNAL_SECRET mode, a password read from the link's secret/);
    expect(message).not.toContain('p@ss');
  });

  test.each(['NONE', 'FROM_SECRET', 'UNKNOWN_SEE_PRIMARY_DB', '  ', 'arn:aws:secretsmanager:us-east-1:123:secret:x', 'not a secret'])(
    'EXTERNAL_SECRET with no usable secret while a credential must be read from it: secretArn %p',
    (secretArn) => {
      const link = DatabaseLink.fromValues({ host: 'h', username: 'u', databaseName: 'd', secretArn });
      expect(() => chartOf({ links: [{ moduleName: 'rds', database: link }] }))
        .toThrow(/invalid links\[0\]\.database\.secretArn .*Allowed: the ARN .* or name of the Secrets Manager secret, because password must be read from it/);
    });

  test('secrets of two regions in one chart (one store reads one region)', () => {
    expect(() => chartOf({
      links: [{ moduleName: 'east', database: standard() }, { moduleName: 'west', database: variantLink('GlobalSecondaryReplicatedSecret') }],
    })).toThrow(/invalid links\[1\]\.database\.secretArn 'arn:aws:secretsmanager:us-west-2:.*'\. Allowed: secrets of one AWS region per chart: .*links\[0\] reads a secret in us-east-1, this one is in us-west-2\. Fix: give the links of us-west-2 a chart of their own/);
  });

  test('an invalid serviceAccountName', () => {
    expect(() => chartOf({ serviceAccountName: 'Orders App' })).toThrow(/invalid serviceAccountName 'Orders App'\. Allowed: the name of a ServiceAccount in namespace 'orders'/);
  });

  test('an invalid secretName', () => {
    expect(() => chartOf({ secretName: 'Orders_DB' })).toThrow(/invalid secretName 'Orders_DB'\. Allowed: a DNS-1123 subdomain/);
  });

  test('a chart id that makes an invalid default secretName', () => {
    expect(() => chartOf({}, 'OrdersDb')).toThrow(/invalid secretName 'OrdersDb-db-links'\. Allowed: .*the default is '<chart id>-db-links', and the chart id is 'OrdersDb'.*Fix: give secretName/);
  });

  test('an invalid secretStoreName', () => {
    expect(() => chartOf({ secretStoreName: 'AWS' })).toThrow(/invalid secretStoreName 'AWS'/);
  });

  test('an unknown secretStoreKind', () => {
    expect(() => chartOf({ secretStoreKind: 'VaultStore' as any })).toThrow(/invalid secretStoreKind 'VaultStore'\. Allowed: SecretStoreKind\.CLUSTER_SECRET_STORE/);
  });

  test('an unknown secretMode', () => {
    expect(() => chartOf({ secretMode: 'SEALED' as any })).toThrow(/invalid secretMode 'SEALED'/);
  });

  test('a refresh interval that is not whole seconds', () => {
    expect(() => chartOf({ refreshInterval: Duration.millis(1500) })).toThrow(/invalid refreshInterval '1 second 500 millis'\. Allowed: a whole number of seconds/);
  });
});
