import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-27';
import { Client, ClientConfig } from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';
import { DatabaseLink, LinkSecretMode, PostgresLinkChart } from '../../src';
import { tempDir } from '../util';
import { goAvailable } from './eso-template';
import { ARN_EAST, HOSTILE_PASSWORD, K8sObject, find, resolveContainerEnv } from './fixtures';
import { materializeMounts, simulateEso, synthToYaml } from './kubelet';
import { RunningPostgres } from './postgres-process';
import { TestCa } from './test-ca';
import { startTlsPostgres } from './tls-server';

// Verified TLS end to end: a throwaway CA and a server certificate for localhost, the embedded PostgreSQL with
// ssl = on and only hostssl lines in pg_hba.conf, a chart whose CA ConfigMap is the test CA, the container's env and
// CA mount resolved as the kubelet would (under a temp dir), then connections with nothing but `<module>_db_url`
// (pg + pg-connection-string) or nothing but the PG* variables (psql: real libpq).

const psqlAvailable = spawnSync('psql', ['--version'], { stdio: 'ignore' }).status === 0;
if (!psqlAvailable && process.env.CI) {
  throw new Error('psql is required in CI (libpq end-to-end tests): apt-get install -y postgresql-client');
}

const ADMIN_PASSWORD = 'admin-only-for-this-test';
/** A user and a database name that need percent-encoding too. */
const USER = 'orders app+1';
const DATABASE = 'orders db ä';
/** Every character the issue lists: space % + @ : / ? # ' " and non-ASCII, and more. */
const PASSWORD = `${HOSTILE_PASSWORD} a+b ä`;
const QUERY = 'SELECT ssl, current_user AS "user", current_database() AS database FROM pg_stat_ssl WHERE pid = pg_backend_pid()';

let ca: TestCa;
let otherCa: TestCa;
let server: RunningPostgres;

beforeAll(async () => {
  for (const c of [' ', '%', '+', '@', ':', '/', '?', '#', "'", '"', 'ä']) expect(PASSWORD).toContain(c);
  ({ ca, otherCa, server } = await startTlsPostgres('tls', { adminPassword: ADMIN_PASSWORD, user: USER, password: PASSWORD, database: DATABASE }));
}, 120_000);

afterAll(async () => {
  await server?.stop();
}, 60_000);

/** What the pod sees: its env, and the CA bundle file written where the chart mounts it. */
interface Pod {
  readonly env: Record<string, string>;
  readonly caBundlePath: string;
  readonly objects: K8sObject[];
  readonly yaml: string;
}

function renderPod(secretMode: LinkSecretMode): Pod {
  const root = tempDir('pod-root');
  const caBundlePath = path.join(root, 'etc', 'rds-ca', 'ca.pem');
  const database = secretMode === LinkSecretMode.PLAIN
    ? DatabaseLink.fromValues({ host: 'localhost', port: server.port, username: USER, password: PASSWORD, databaseName: DATABASE })
    : DatabaseLink.fromValues({ host: 'localhost', port: server.port, secretArn: ARN_EAST });
  const { objects, yaml } = synthToYaml(app => {
    const chart = new PostgresLinkChart(app, 'orders-db', {
      namespace: 'orders',
      secretMode,
      caConfigMapName: 'test-ca',
      caBundlePath,
      links: [{ moduleName: 'rds', database, libpqVariables: true }],
    });
    new kplus.ConfigMap(chart, 'test-ca', { metadata: { name: 'test-ca' }, data: { 'ca.pem': ca.certPem } });
    const deployment = new kplus.Deployment(chart, 'api', { containers: [{ image: 'orders:1.0.0' }] });
    chart.linkContainer(deployment.containers[0]);
  });
  const written = secretMode === LinkSecretMode.PLAIN
    ? []
    : [simulateEso(find(objects, 'ExternalSecret'), { [ARN_EAST]: JSON.stringify({ username: USER, password: PASSWORD, dbname: DATABASE, engine: 'postgres' }) })];
  expect(materializeMounts(objects)).toEqual([caBundlePath]);
  return { env: resolveContainerEnv([...objects, ...written]), caBundlePath, objects, yaml };
}

/** Connects with nothing but a URL, as a node-postgres service given DATABASE_URL does. */
async function queryWithUrl(url: string) {
  const client = new Client(parseConnectionString(url) as ClientConfig);
  await client.connect();
  try {
    return (await client.query(QUERY)).rows[0];
  } finally {
    await client.end();
  }
}

/** Runs psql (libpq) with nothing but the PG* variables (and an empty HOME, so no ~/.pgpass or ~/.postgresql). */
function psqlWith(env: Record<string, string>) {
  const pg = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('PG')));
  const result = spawnSync('psql', ['-X', '-A', '-t', '-F', '|', '-c', QUERY], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: tempDir('home'), ...pg },
  });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr };
}

const withQuery = (url: string, name: string, value: string) => url.replace(new RegExp(`${name}=[^&]*`), `${name}=${encodeURIComponent(value)}`);

const modes = [LinkSecretMode.PLAIN, ...(goAvailable ? [LinkSecretMode.EXTERNAL_SECRET] : [])];

describe.each(modes)('%s: a pod linked with linkContainer', (mode) => {
  test('its env holds the URL and the PG* variables, both naming the mounted test CA', () => {
    // GIVEN the TLS server and a chart in this mode

    // WHEN
    const pod = renderPod(mode);

    // THEN
    expect(fs.readFileSync(pod.caBundlePath, 'utf8')).toBe(ca.certPem);
    expect(pod.env).toMatchObject({
      PGHOST: 'localhost',
      PGPORT: String(server.port),
      PGUSER: USER,
      PGPASSWORD: PASSWORD,
      PGDATABASE: DATABASE,
      PGSSLMODE: 'verify-full',
      PGSSLROOTCERT: pod.caBundlePath,
    });
    expect(pod.env.rds_db_url).toMatch(/^postgresql:\/\/orders%20app%2B1:[A-Za-z0-9%._~-]+@localhost:\d+\/orders%20db%20%C3%A4\?sslmode=verify-full&sslrootcert=\//);
    if (mode === LinkSecretMode.EXTERNAL_SECRET) expect(pod.yaml).not.toContain('p@ss');
  });

  test('only <module>_db_url, through pg + pg-connection-string: connected, over TLS', async () => {
    // GIVEN
    const pod = renderPod(mode);

    // WHEN
    const query = queryWithUrl(pod.env.rds_db_url);

    // THEN
    await expect(query).resolves.toEqual({ ssl: true, user: USER, database: DATABASE });
  });

  (psqlAvailable ? test : test.skip)('only the PG* variables, through psql (libpq): connected, over TLS', () => {
    // GIVEN
    const pod = renderPod(mode);

    // WHEN
    const result = psqlWith(pod.env);

    // THEN
    expect(result.stderr).not.toMatch(/error/i);
    expect(result).toMatchObject({ status: 0, stdout: `t|${USER}|${DATABASE}` });
  });

  (psqlAvailable ? test : test.skip)('the same URL through libpq (psql <url>): connected, over TLS', () => {
    // GIVEN
    const pod = renderPod(mode);

    // WHEN
    const result = spawnSync('psql', ['-X', '-A', '-t', '-F', '|', '-c', QUERY, pod.env.rds_db_url], {
      encoding: 'utf8', env: { PATH: process.env.PATH, HOME: tempDir('home') },
    });

    // THEN
    expect(result.stderr).not.toMatch(/error/i);
    expect(result).toMatchObject({ status: 0, stdout: `t|${USER}|${DATABASE}\n` });
  });

  test('another CA: the URL path fails verification', async () => {
    // GIVEN
    const pod = renderPod(mode);
    const url = withQuery(pod.env.rds_db_url, 'sslrootcert', otherCa.certFile);

    // WHEN
    const query = queryWithUrl(url);

    // THEN
    await expect(query).rejects.toThrow(/^unable to verify the first certificate(;|$)/); // UNABLE_TO_VERIFY_LEAF_SIGNATURE (Node 24 adds a hint after ';')
  });

  (psqlAvailable ? test : test.skip)('another CA: libpq fails verification', () => {
    // GIVEN
    const pod = renderPod(mode);

    // WHEN
    const result = psqlWith({ ...pod.env, PGSSLROOTCERT: otherCa.certFile });

    // THEN
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/certificate verify failed/);
  });

  test('sslmode=disable: the server refuses the URL path (hostssl only)', async () => {
    // GIVEN
    const pod = renderPod(mode);

    // WHEN
    const query = queryWithUrl(withQuery(pod.env.rds_db_url, 'sslmode', 'disable'));

    // THEN
    await expect(query).rejects.toThrow(/no pg_hba\.conf entry .*no encryption/);
  });

  (psqlAvailable ? test : test.skip)('sslmode=disable: the server refuses libpq', () => {
    // GIVEN
    const pod = renderPod(mode);

    // WHEN
    const result = psqlWith({ ...pod.env, PGSSLMODE: 'disable' });

    // THEN
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/no pg_hba\.conf entry .*no encryption/);
  });
});
