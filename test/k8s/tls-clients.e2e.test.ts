import { SpawnSyncReturns, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-27';
import { DatabaseLink, LinkSecretMode, PostgresLinkChart } from '../../src';
import { tempDir } from '../util';
import { GOPATH, goAvailable, goBuild } from './eso-template';
import { ARN_EAST, HOSTILE_PASSWORD, find, resolveContainerEnv } from './fixtures';
import { materializeMounts, simulateEso, synthToYaml } from './kubelet';
import { RunningPostgres } from './postgres-process';
import { TestCa } from './test-ca';
import { startTlsPostgres } from './tls-server';

// Every runtime verifies the server out of the box. A TLS-only PostgreSQL (hostssl lines only) whose certificate
// chains to a throwaway CA; a chart with Opta's renamed variables (DB_USER, DB_PASSWORD, DB_NAME, DB_HOST) whose CA
// ConfigMap holds that CA; the container's env and CA mount resolved as the kubelet would; then real clients, each
// run as a process of its own with nothing but that env (and an empty HOME): an Opta-style app with no TLS setting
// in its code through node-postgres, psycopg2 (libpq), Go's lib/pq and pgx; psql, lib/pq and pgx with `<m>_db_url`;
// pgjdbc with `<m>_db_jdbc_url`. With another CA each of them is refused.
// (Opta had no port variable; the test server cannot listen on 5432, so the apps read DB_PORT: envNames.port.)

const PGJDBC = '/usr/share/java/postgresql.jar';
const PYTHON = '/usr/bin/python3'; // Debian's, where python3-psycopg2 is installed

const have = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const psycopg2Available = have(PYTHON, ['-c', 'import psycopg2']);
const libpqGoAvailable = goAvailable && fs.existsSync(path.join(GOPATH, 'src', 'github.com', 'lib', 'pq'));
const pgxAvailable = goAvailable && fs.existsSync(path.join(GOPATH, 'src', 'github.com', 'jackc', 'pgx', 'v4'));
const javaAvailable = have('java', ['-version']) && have('javac', ['-version']) && fs.existsSync(PGJDBC);
const psqlAvailable = have('psql', ['--version']);
if (process.env.CI && !(psycopg2Available && libpqGoAvailable && pgxAvailable && javaAvailable && psqlAvailable)) {
  throw new Error('the TLS client tests need, in CI: apt-get install -y python3-psycopg2 golang-go golang-github-lib-pq-dev golang-github-jackc-pgx-v4-dev default-jdk-headless libpostgresql-jdbc-java postgresql-client');
}

const ADMIN_PASSWORD = 'admin-only-for-this-test';
const USER = 'orders app+1';
const DATABASE = 'orders db ä';
const PASSWORD = `${HOSTILE_PASSWORD} a+b ä`;
const EXPECTED = `true|${USER}|${DATABASE}`;
const OPTA = { user: 'DB_USER', password: 'DB_PASSWORD', name: 'DB_NAME', host: 'DB_HOST', port: 'DB_PORT' };

let ca: TestCa;
let otherCa: TestCa;
let server: RunningPostgres;

beforeAll(async () => {
  ({ ca, otherCa, server } = await startTlsPostgres('tls-clients', { adminPassword: ADMIN_PASSWORD, user: USER, password: PASSWORD, database: DATABASE }));
}, 120_000);

afterAll(async () => {
  await server?.stop();
}, 60_000);

/** The env of a pod linked with linkContainer, the CA file written where the chart mounts it, and that env with another CA. */
function renderPod(secretMode: LinkSecretMode): { env: Record<string, string>; caBundlePath: string; wrongCa: Record<string, string> } {
  const caBundlePath = path.join(tempDir('pod-root'), 'etc', 'rds-ca', 'ca.pem');
  const database = secretMode === LinkSecretMode.PLAIN
    ? DatabaseLink.fromValues({ host: 'localhost', port: server.port, username: USER, password: PASSWORD, databaseName: DATABASE })
    : DatabaseLink.fromValues({ host: 'localhost', port: server.port, secretArn: ARN_EAST });
  const { objects } = synthToYaml(app => {
    const chart = new PostgresLinkChart(app, 'orders-db', {
      namespace: 'orders', secretMode, caConfigMapName: 'test-ca', caBundlePath, links: [{ moduleName: 'rds', database, envNames: OPTA }],
    });
    new kplus.ConfigMap(chart, 'test-ca', { metadata: { name: 'test-ca' }, data: { 'ca.pem': ca.certPem } });
    const deployment = new kplus.Deployment(chart, 'api', { containers: [{ image: 'orders:1.0.0' }] });
    chart.linkContainer(deployment.containers[0]);
  });
  const written = secretMode === LinkSecretMode.PLAIN
    ? []
    : [simulateEso(find(objects, 'ExternalSecret'), { [ARN_EAST]: JSON.stringify({ username: USER, password: PASSWORD, dbname: DATABASE }) })];
  expect(materializeMounts(objects)).toEqual([caBundlePath]);
  const env = resolveContainerEnv([...objects, ...written]);
  return { env, caBundlePath, wrongCa: withOtherCa(env, caBundlePath) };
}

/** Runs a client with the pod's env only (PATH to find the binaries, an empty HOME: no ~/.pgpass, no ~/.postgresql). */
function run(cmd: string, args: string[], env: Record<string, string>, extra: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, HOME: tempDir('home'), ...extra, ...env } });
}
const ok = (result: SpawnSyncReturns<string>) => ({ status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() });

/** The env with another CA wherever the pod's names the mounted bundle. */
function withOtherCa(env: Record<string, string>, caBundlePath: string): Record<string, string> {
  const replace = (value: string) => value.split(encodeURI(caBundlePath)).join(otherCa.certFile).split(caBundlePath).join(otherCa.certFile);
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, replace(v)]));
}

/** An Opta app on node-postgres: `new Client({ host, port, user, password, database })`, no ssl option. */
const NODE_APP = `
const { Client } = require(${JSON.stringify(require.resolve('pg'))});
const e = process.env;
const client = new Client({ host: e.DB_HOST, port: Number(e.DB_PORT), user: e.DB_USER, password: e.DB_PASSWORD, database: e.DB_NAME });
client.connect()
  .then(() => client.query('SELECT ssl, current_user AS u, current_database() AS d FROM pg_stat_ssl WHERE pid = pg_backend_pid()'))
  .then(r => { console.log([r.rows[0].ssl, r.rows[0].u, r.rows[0].d].join('|')); return client.end(); })
  .catch(err => { console.error(err.message); process.exit(1); });
`;

/** An Opta app on psycopg2: `psycopg2.connect(host=..., port=..., user=..., password=..., dbname=...)`, no sslmode. */
const PYTHON_APP = `
import os, psycopg2
e = os.environ
c = psycopg2.connect(host=e['DB_HOST'], port=e['DB_PORT'], user=e['DB_USER'], password=e['DB_PASSWORD'], dbname=e['DB_NAME'])
cur = c.cursor()
cur.execute('SELECT ssl, current_user, current_database() FROM pg_stat_ssl WHERE pid = pg_backend_pid()')
ssl, user, db = cur.fetchone()
print('%s|%s|%s' % (str(ssl).lower(), user, db))
`;

const goBinaries: Record<string, string> = {};
/** Builds a Go client of test/k8s/tls-clients/<name>/main.go once per source version (GOPATH mode, Debian's packages). */
function goClient(name: 'libpq-go' | 'pgx'): string {
  if (goBinaries[name]) return goBinaries[name];
  const target = goBuild(path.join(__dirname, 'tls-clients', name, 'main.go'), `tls-client-${name}`);
  goBinaries[name] = target;
  return target;
}

const JAVA_SOURCE = path.join(__dirname, 'tls-clients', 'TlsCheck.java');

const modes = [LinkSecretMode.PLAIN, ...(goAvailable ? [LinkSecretMode.EXTERNAL_SECRET] : [])];

describe.each(modes)('%s: what the chart renders, and nothing else', (mode) => {
  test("the env: Opta's names, the URLs (no credentials in the JDBC URL) and the TLS settings", () => {
    // GIVEN the TLS server and a chart in this mode

    // WHEN
    const { env, caBundlePath, wrongCa } = renderPod(mode);

    // THEN
    expect(fs.readFileSync(caBundlePath, 'utf8')).toBe(ca.certPem);
    expect(env).toMatchObject({
      DB_USER: USER,
      DB_PASSWORD: PASSWORD,
      DB_NAME: DATABASE,
      DB_HOST: 'localhost',
      DB_PORT: String(server.port),
      PGSSLMODE: 'verify-full',
      PGSSLROOTCERT: caBundlePath,
      NODE_EXTRA_CA_CERTS: caBundlePath,
    });
    expect(env.rds_db_jdbc_url).toBe(`jdbc:postgresql://localhost:${server.port}/orders%20db%20%C3%A4?sslmode=verify-full&sslrootcert=${caBundlePath}`);
    expect(Object.keys(wrongCa).filter(k => wrongCa[k] !== env[k]).sort()).toEqual(['NODE_EXTRA_CA_CERTS', 'PGSSLROOTCERT', 'rds_db_jdbc_url', 'rds_db_url']);
  });

  describe('an Opta app on node-postgres (DB_* only, no ssl option in the code)', () => {
    test('connects over verified TLS', () => {
      // GIVEN
      const { env } = renderPod(mode);

      // WHEN
      const result = ok(run(process.execPath, ['-e', NODE_APP], env));

      // THEN
      expect(result).toEqual({ status: 0, stdout: EXPECTED, stderr: '' });
    });
    test('another CA: refused', () => {
      // GIVEN
      const { wrongCa } = renderPod(mode);

      // WHEN
      const result = ok(run(process.execPath, ['-e', NODE_APP], wrongCa));

      // THEN
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/unable to verify the first certificate|self.signed certificate/);
    });
    test('without PGSSLMODE (what the chart gave before): the TLS-only server refuses it', () => {
      // GIVEN
      const { PGSSLMODE: _, ...without } = renderPod(mode).env;

      // WHEN
      const result = ok(run(process.execPath, ['-e', NODE_APP], without));

      // THEN
      expect(result.stderr).toMatch(/no pg_hba\.conf entry .*no encryption/);
    });
  });

  (psycopg2Available ? describe : describe.skip)('an Opta app on psycopg2 (libpq; DB_* only, no sslmode in the code)', () => {
    test('connects over verified TLS', () => {
      // GIVEN
      const { env } = renderPod(mode);

      // WHEN
      const result = ok(run(PYTHON, ['-c', PYTHON_APP], env));

      // THEN
      expect(result).toEqual({ status: 0, stdout: EXPECTED, stderr: '' });
    });
    test('another CA: refused', () => {
      // GIVEN
      const { wrongCa } = renderPod(mode);

      // WHEN
      const result = ok(run(PYTHON, ['-c', PYTHON_APP], wrongCa));

      // THEN
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/certificate verify failed/);
    });
    test('without PGSSLMODE and PGSSLROOTCERT (what the chart gave before): libpq accepts another CA unverified', () => {
      // GIVEN
      const { PGSSLMODE: _m, PGSSLROOTCERT: _c, ...without } = renderPod(mode).wrongCa;

      // WHEN
      const result = ok(run(PYTHON, ['-c', PYTHON_APP], without));

      // THEN
      expect(result).toMatchObject({ status: 0, stdout: EXPECTED });
    });
  });

  (psqlAvailable ? describe : describe.skip)('psql with rds_db_url', () => {
    const QUERY = 'SELECT ssl, current_user, current_database() FROM pg_stat_ssl WHERE pid = pg_backend_pid()';
    test('connects over verified TLS', () => {
      // GIVEN
      const { env } = renderPod(mode);

      // WHEN
      const result = ok(run('psql', ['-X', '-A', '-t', '-F', '|', '-c', QUERY, env.rds_db_url], {}));

      // THEN
      expect(result).toEqual({ status: 0, stdout: `t|${USER}|${DATABASE}`, stderr: '' });
    });
    test('another CA: refused', () => {
      // GIVEN
      const { wrongCa } = renderPod(mode);

      // WHEN
      const result = ok(run('psql', ['-X', '-A', '-t', '-c', QUERY, wrongCa.rds_db_url], {}));

      // THEN
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/certificate verify failed/);
    });
  });

  describe.each([
    ["Go's lib/pq", 'libpq-go', libpqGoAvailable, /x509: certificate signed by unknown authority/],
    ["Go's pgx", 'pgx', pgxAvailable, /x509: certificate signed by unknown authority/],
  ] as const)('%s', (_name, client, available, refusal) => {
    const maybe = available ? test : test.skip;
    maybe('with rds_db_url alone: connects over verified TLS', () => {
      // GIVEN
      const { env } = renderPod(mode);

      // WHEN
      const result = ok(run(goClient(client), ['url', 'rds_db_url'], { rds_db_url: env.rds_db_url }));

      // THEN
      expect(result).toEqual({ status: 0, stdout: EXPECTED, stderr: '' });
    });
    maybe('an Opta app (a URL built from DB_*, no sslmode): PGSSLMODE and PGSSLROOTCERT apply', () => {
      // GIVEN
      const { env } = renderPod(mode);

      // WHEN
      const result = ok(run(goClient(client), ['opta'], env));

      // THEN
      expect(result).toEqual({ status: 0, stdout: EXPECTED, stderr: '' });
    });
    maybe.each(['url', 'opta'])('another CA (%s): refused', (how) => {
      // GIVEN
      const { wrongCa } = renderPod(mode);

      // WHEN
      const result = ok(run(goClient(client), how === 'url' ? ['url', 'rds_db_url'] : ['opta'], wrongCa));

      // THEN
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(refusal);
    });
  });

  (javaAvailable ? describe : describe.skip)('Java: pgjdbc with rds_db_jdbc_url, user and password apart', () => {
    // A UTF-8 locale, as JVM images set (eclipse-temurin: LANG=en_US.UTF-8): without one the JVM decodes the
    // environment as ASCII and the password's non-ASCII characters become U+FFFD, which SCRAM's SASLprep refuses.
    const java = (e: Record<string, string>) => run('java', ['-cp', PGJDBC, JAVA_SOURCE, 'rds_db_jdbc_url', 'DB_USER', 'DB_PASSWORD'], e, { LANG: 'C.UTF-8' });
    test('connects over verified TLS', () => {
      // GIVEN
      const { env } = renderPod(mode);

      // WHEN
      const result = ok(java(env));

      // THEN
      expect(result.stderr).toBe('');
      expect(result).toMatchObject({ status: 0, stdout: EXPECTED });
    }, 60_000);
    test('another CA: refused', () => {
      // GIVEN
      const { wrongCa } = renderPod(mode);

      // WHEN
      const result = ok(java(wrongCa));

      // THEN
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/PSQLException: SSL error: PKIX path building failed|unable to find valid certification path/);
    }, 60_000);
  });
});
