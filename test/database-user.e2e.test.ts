import { Template } from 'aws-cdk-lib/assertions';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Client } from 'pg';
import { AuroraPostgres, DatabaseAccess, DatabaseLink, LinkSecretMode, PostgresLinkChart, SslMode } from '../src';
import { goAvailable, renderGoTemplates } from './k8s/eso-template';
import { find, K8sObject, objectsOf, resolveContainerEnv } from './k8s/fixtures';
import { rotateLikeAws } from './private/users/aws-rotation';
import { TestPostgres } from './private/users/postgres';
import { testStack } from './util';
import { provision, UserResourceProperties } from '../src/private/users/provision';

// End to end: AuroraPostgres.addDatabaseUser -> the template's custom resource properties, run by the provisioning
// core against a real PostgreSQL -> the user's outputs -> DatabaseLink.fromCdkOutputs -> PostgresLinkChart ->
// ExternalSecret -> External Secrets Operator's template engine (Go text/template with sprig, as the operator runs it) -> the pod's env -> a
// connection as the user, with exactly its rights; and again after Secrets Manager's multi-user rotation.

const MASTER = { username: 'rdsmaster', password: 'master-pw-only-for-this-test' };
const ARN = {
  master: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds-master-AbCdEf',
  orders: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds-orders-AbCdEf',
  migrator: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds-migrator-AbCdEf',
};
const HOSTILE = 'p@ss:/?#\'"word 1';

let pg: TestPostgres;
const secrets = new Map<string, Record<string, unknown>>();

// The environment: a PostgreSQL server with an RDS-like master user and the cluster's database (no synthesis here).
beforeAll(async () => {
  pg = await TestPostgres.start();
  await pg.asSuperuser('postgres', async (c) => {
    await c.query(`CREATE ROLE ${MASTER.username} LOGIN CREATEROLE CREATEDB PASSWORD ${c.escapeLiteral(MASTER.password)}`);
    await c.query(`CREATE DATABASE app OWNER ${MASTER.username}`);
  });
}, 120_000);

afterAll(async () => {
  await pg?.stop();
}, 60_000);

/**
 * `db.addDatabaseUser` for a migrator and `orders`, synthesized, and the template's custom resources run by the
 * provisioning core against the server (again in each test: the roles are kept, the secrets are as created), and
 * the migrator's table.
 */
async function deployUsers(): Promise<Template> {
  secrets.set(ARN.master, { ...MASTER, dbname: 'app', engine: 'postgres', host: '127.0.0.1' });
  secrets.set(ARN.orders, { username: 'orders', password: HOSTILE, engine: 'postgres', host: '127.0.0.1', dbname: 'orders', masterarn: ARN.master });
  secrets.set(ARN.migrator, { username: 'migrator', password: 'migrator-pw', dbname: 'orders', masterarn: ARN.master });

  const { stack, vpc } = testStack();
  const db = new AuroraPostgres(stack, 'rds', { vpc });
  db.addDatabaseUser('migrator', { username: 'migrator', access: DatabaseAccess.OWNER, databaseName: 'orders' });
  db.addDatabaseUser('orders', { username: 'orders', databaseName: 'orders' });
  const template = Template.fromStack(stack);

  // What CloudFormation hands the function: the template's properties with the references resolved.
  for (const resource of Object.values<any>(template.findResources('Custom::PostgresUser'))) {
    const { ServiceToken, ...props } = resource.Properties;
    const deployed: UserResourceProperties = {
      ...props,
      MasterSecretArn: ARN.master,
      UserSecretArn: ARN[props.Username as 'orders' | 'migrator'],
      Host: '127.0.0.1',
      Port: String(pg.port),
    };
    await provision({ RequestType: 'Create', ResourceProperties: deployed }, {
      getSecret: async arn => ({ ...secrets.get(arn)! }),
      connect: async (o) => { const c = new Client(o); await c.connect(); return c; },
      randomPassword: () => 'clone-placeholder-pw',
    });
  }
  const migrator = await pg.connect('migrator', 'migrator-pw', 'orders');
  await migrator.query('CREATE TABLE IF NOT EXISTS orders (id serial PRIMARY KEY, item text)');
  await migrator.end();
  return template;
}

/** The `cdk deploy --outputs-file` content for the user, with the deployed values of its references. */
function deployedOutputs(template: Template): Record<string, Record<string, string>> {
  const outputs = template.toJSON().Outputs;
  const values: Record<string, string> = {};
  for (const [key, output] of Object.entries<any>(outputs)) {
    values[key] = typeof output.Value === 'string' ? output.Value : `deployed-value-of-${key}`;
  }
  values.rdsDbHost = '127.0.0.1'; // the user's host is its cluster's
  values.rdsOrdersDbSecretArn = ARN.orders;
  return { TestStack: values };
}

/** What External Secrets Operator writes: spec.data read from the fake Secrets Manager, the template rendered by Go. */
function simulateEso(externalSecret: K8sObject): K8sObject {
  const values: Record<string, string> = {};
  for (const { secretKey, remoteRef } of externalSecret.spec.data) {
    values[secretKey] = String(secrets.get(remoteRef.key)![remoteRef.property]);
  }
  const keys = Object.keys(externalSecret.spec.target.template.data);
  const rendered = renderGoTemplates(keys.map(k => externalSecret.spec.target.template.data[k]), values);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: externalSecret.spec.target.name, namespace: externalSecret.metadata.namespace },
    data: Object.fromEntries(keys.map((k, i) => [k, Buffer.from(rendered[i], 'utf8').toString('base64')])),
  };
}

/** The env a freshly started pod gets. */
function podEnv(template: Template): { env: Record<string, string>; yaml: string } {
  const link = DatabaseLink.fromCdkOutputs(deployedOutputs(template), 'TestStack', 'rdsOrders');
  // The test server listens on its own port, not the template's 5432.
  const local = DatabaseLink.fromValues({ host: link.host, port: pg.port, databaseName: link.databaseName, secretArn: link.secretArn });
  const app = new cdk8s.App();
  const chart = new PostgresLinkChart(app, 'orders', {
    namespace: 'orders',
    links: [{ moduleName: 'orders', database: local }],
    secretMode: LinkSecretMode.EXTERNAL_SECRET,
    sslMode: SslMode.DISABLE, // this test server has no TLS; test/k8s/tls.e2e.test.ts proves the verified path
  });
  new kplus.Deployment(chart, 'api', { containers: [{ image: 'orders:1.0.0', envVariables: chart.envVariables }] });
  const objects = objectsOf(chart);
  return { env: resolveContainerEnv([...objects, simulateEso(find(objects, 'ExternalSecret'))]), yaml: app.synthYaml() };
}

/** A pod that connects with nothing but its connection URL. */
async function asPod(env: Record<string, string>, sql: string): Promise<any[]> {
  const c = new Client({ connectionString: env.orders_db_url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

(goAvailable ? describe : describe.skip)('orders.link -> chart -> ExternalSecret -> pod env -> PostgreSQL', () => {
  test('the pod connects as orders and has exactly READ_WRITE rights; no password in manifests or template', async () => {
    // GIVEN
    const template = await deployUsers();
    // WHEN
    const { env, yaml } = podEnv(template);
    // THEN
    expect(env).toEqual({
      orders_db_user: 'orders',
      orders_db_password: HOSTILE,
      orders_db_name: 'orders',
      orders_db_host: '127.0.0.1',
      orders_db_port: String(pg.port),
      orders_db_url: `postgresql://orders:p%40ss%3A%2F%3F%23%27%22word%201@127.0.0.1:${pg.port}/orders?sslmode=disable`,
      orders_db_jdbc_url: `jdbc:postgresql://127.0.0.1:${pg.port}/orders?sslmode=disable`, // no credentials
    });
    expect(yaml).not.toContain(HOSTILE);
    expect(JSON.stringify(template.toJSON())).not.toContain(HOSTILE);
    const [{ n }] = await asPod(env, 'SELECT count(*)::int AS n FROM orders');
    await asPod(env, "INSERT INTO orders (item) VALUES ('book')");
    expect(await asPod(env, 'SELECT current_user AS u, count(*)::int AS n FROM orders GROUP BY 1')).toEqual([{ u: 'orders', n: n + 1 }]);
    await expect(asPod(env, 'CREATE TABLE mine (id int)')).rejects.toThrow(/permission denied/);
    await expect(asPod(env, 'CREATE ROLE intruder')).rejects.toThrow(/permission denied/);
  });

  test('after a rotation the refreshed Secret logs in as orders_clone, and the running pod\'s env still works', async () => {
    // GIVEN
    const template = await deployUsers();
    const before = podEnv(template).env;
    const [{ n }] = await asPod(before, 'SELECT count(*)::int AS n FROM orders');
    // WHEN
    await rotateLikeAws(pg, secrets, ARN.orders);
    // THEN
    const after = podEnv(template).env;
    expect(after.orders_db_user).toBe('orders_clone');
    expect(after.orders_db_url).toMatch(/^postgresql:\/\/orders_clone:/);
    await asPod(after, "INSERT INTO orders (item) VALUES ('pen')");
    await asPod(before, "INSERT INTO orders (item) VALUES ('ink')");
    expect(await asPod(after, 'SELECT count(*)::int AS n FROM orders')).toEqual([{ n: n + 2 }]);
  });
});
