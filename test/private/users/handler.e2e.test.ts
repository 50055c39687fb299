import * as net from 'net';
import * as path from 'path';
import { TestPostgres } from './postgres';
import { SecretsManagerStandIn } from './secrets-manager-stand-in';
import type { ProvisionEvent, UserResourceProperties } from '../../../src/private/users/provision';
import { makeCa, makeServerCert, TestCa } from '../../k8s/test-ca';
import { tempDir } from '../../util';

// The bundled Lambda handler (assets/, as `npx projen bundle` builds it) against a TLS-only PostgreSQL 18 whose
// certificate chains to a test CA, with a local Secrets Manager stand-in (AWS_ENDPOINT_URL_SECRETS_MANAGER):
// create, update (access change), delete retain, delete destroy; the RDS CA pinning; no secret in any error or in
// the server's statement log; and bounded failures when Secrets Manager or PostgreSQL never answer.

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is plain CommonJS built by esbuild
const bundle = require(path.join(__dirname, '..', '..', '..', 'assets', 'private', 'users', 'provider.lambda', 'index.js'));

const MASTER = { username: 'rdsmaster', password: 'Master-pw-0nly-for-this-test' };
const ARN = (name: string) => `arn:aws:secretsmanager:us-east-1:111111111111:secret:${name}-AbCdEf`;
const USER_PASSWORD = 'p@ss:/?#\'"word 1 - orders';
let pg: TestPostgres;
let ca: TestCa;
let sm: SecretsManagerStandIn;
const secrets = new Map<string, Record<string, unknown>>();
let handler: (e: ProvisionEvent) => Promise<{ PhysicalResourceId: string }>;

function props(access: UserResourceProperties['Access'], removalPolicy = 'retain', username = 'orders'): UserResourceProperties {
  return {
    MasterSecretArn: ARN('master'),
    UserSecretArn: ARN(username),
    Host: '127.0.0.1',
    Port: String(pg.port),
    Username: username,
    DatabaseName: 'orders',
    Schemas: ['public'],
    Access: access,
    RemovalPolicy: removalPolicy,
  };
}

async function roles(prefix: string): Promise<string[]> {
  return pg.asSuperuser('postgres', async c => (await c.query('SELECT rolname FROM pg_roles WHERE rolname LIKE $1 ORDER BY 1', [`${prefix}%`])).rows.map(r => r.rolname));
}

beforeAll(async () => {
  const dir = tempDir('handler-tls');
  ca = makeCa(path.join(dir, 'ca'), 'test-ca');
  const cert = makeServerCert(ca, dir, { dns: ['localhost'], ips: ['127.0.0.1'] });
  pg = await TestPostgres.start(18, { ...cert, ca: ca.certPem, hba: 'hostssl all all 127.0.0.1/32 scram-sha-256\n' });
  await pg.asSuperuser('postgres', async (c) => {
    await c.query(`CREATE ROLE ${MASTER.username} LOGIN CREATEROLE CREATEDB PASSWORD ${c.escapeLiteral(MASTER.password)}`);
  });
  secrets.set(ARN('master'), { ...MASTER, engine: 'postgres', host: '127.0.0.1', port: pg.port, dbname: 'postgres' });
  secrets.set(ARN('orders'), { username: 'orders', password: USER_PASSWORD, engine: 'postgres', host: '127.0.0.1', port: pg.port, dbname: 'orders', masterarn: ARN('master') });
  sm = await SecretsManagerStandIn.start(secrets);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test',
  });
  handler = bundle.makeHandler({ ca: ca.certPem, secrets: bundle.secretsManagerClient(), log: () => undefined });
}, 120_000);

afterAll(async () => {
  await sm?.stop();
  await pg?.stop();
}, 60_000);

const DENIED = /permission denied/;

test('create, update (READ_WRITE -> READ_ONLY), delete retain, delete destroy: over verified TLS', async () => {
  // GIVEN: the server, the secrets and the handler (beforeAll)
  // WHEN
  await handler({ RequestType: 'Create', ResourceProperties: props('READ_WRITE') });
  // THEN
  const c = await pg.connect('orders', USER_PASSWORD, 'orders');
  await c.query('SELECT 1');
  await c.end();

  // WHEN
  await handler({ RequestType: 'Update', ResourceProperties: props('READ_ONLY'), OldResourceProperties: props('READ_WRITE'), PhysicalResourceId: 'pg-user:orders' });
  // THEN
  const r = await pg.connect('orders', USER_PASSWORD, 'orders');
  await expect(r.query('CREATE TABLE mine (id int)')).rejects.toThrow(DENIED);
  await r.end();

  // WHEN
  await handler({ RequestType: 'Delete', ResourceProperties: props('READ_ONLY'), PhysicalResourceId: 'pg-user:orders' });
  // THEN
  expect(await roles('orders')).toEqual(['orders', 'orders_clone', 'orders_owner']);
  // WHEN
  await handler({ RequestType: 'Delete', ResourceProperties: props('READ_ONLY', 'destroy'), PhysicalResourceId: 'pg-user:orders' });
  // THEN
  expect(await roles('orders')).toEqual(['orders_owner']);
});

test('the real handler verifies against the Amazon RDS CAs only: the test server\'s certificate is refused', async () => {
  // GIVEN
  secrets.set(ARN('pinned'), { username: 'pinned', password: 'pinned-pw-123456', dbname: 'orders', masterarn: ARN('master') });
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined); // the real handler logs to CloudWatch
  try {
    // WHEN / THEN
    await expect(bundle.handler({ RequestType: 'Create', ResourceProperties: props('READ_ONLY', 'retain', 'pinned') }))
      .rejects.toThrow(/certificate/);
    expect(log).toHaveBeenCalledWith('Create user pinned in orders');
  } finally {
    log.mockRestore();
  }
});

test('a secret that is not JSON: the error names the secret, not a character of it', async () => {
  // GIVEN
  const text = 'Xq7#Zv9!kW2@pL5$';
  sm.putRaw(ARN('broken'), text);
  // WHEN
  const error: Error = await handler({ RequestType: 'Create', ResourceProperties: { ...props('READ_ONLY', 'retain', 'broken'), UserSecretArn: ARN('broken') } })
    .then(() => new Error('no error'), e => e);
  // THEN
  expect(error.message).toContain(`the secret ${ARN('broken')} is not a JSON object`);
  for (let i = 0; i + 4 <= text.length; i++) expect(error.message).not.toContain(text.slice(i, i + 4));
});

test('the server\'s DDL log holds no password: only SCRAM verifiers', async () => {
  // GIVEN
  const user = props('READ_WRITE', 'retain', 'logged');
  secrets.set(ARN('logged'), { username: 'logged', password: USER_PASSWORD, dbname: 'orders', masterarn: ARN('master') });
  // WHEN
  await handler({ RequestType: 'Create', ResourceProperties: user });
  // THEN
  const log = pg.serverLog();
  expect(log).toMatch(/statement: CREATE ROLE logged LOGIN PASSWORD 'SCRAM-SHA-256\$4096:/);
  expect(log).not.toContain(USER_PASSWORD);
  // The one plain-text password is the test's own setup of the master (as the superuser), not the function's.
  const plain = log.split('\n').filter(l => /PASSWORD '(?!SCRAM-SHA-256\$)/.test(l));
  expect(plain).toEqual([expect.stringContaining(`CREATE ROLE ${MASTER.username} LOGIN CREATEROLE CREATEDB PASSWORD`)]);
});

/** A TCP server that accepts connections and never answers (a black-holed route looks like this, or worse). */
async function silentServer(): Promise<{ port: number; close(): void }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer(s => sockets.push(s));
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => { sockets.forEach(s => s.destroy()); server.close(); } };
}

test('Secrets Manager never answers: the deployment fails within the timeout, naming the missing route', async () => {
  // GIVEN
  const silent = await silentServer();
  const saved = process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = `http://127.0.0.1:${silent.port}`;
  try {
    const client = bundle.secretsManagerClient({ connectMillis: 300, requestMillis: 500 });
    const h = bundle.makeHandler({ ca: ca.certPem, secrets: client, timeouts: { secretsMillis: 1500 }, log: () => undefined });
    const started = Date.now();
    // WHEN / THEN
    await expect(h({ RequestType: 'Create', ResourceProperties: props('READ_ONLY') })).rejects.toThrow(/could not reach Secrets Manager within 1.5 s .*VPC endpoint for Secrets Manager/);
    expect(Date.now() - started).toBeLessThan(5000);
  } finally {
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = saved;
    silent.close();
  }
}, 20_000);

test('PostgreSQL never answers: the deployment fails within the connect timeout, naming the security groups', async () => {
  // GIVEN
  const silent = await silentServer();
  try {
    const h = bundle.makeHandler({ ca: ca.certPem, secrets: bundle.secretsManagerClient(), timeouts: { connectMillis: 1000 }, log: () => undefined });
    const started = Date.now();
    // WHEN / THEN
    await expect(h({ RequestType: 'Create', ResourceProperties: { ...props('READ_ONLY'), Port: String(silent.port) } }))
      .rejects.toThrow(new RegExp(`could not reach PostgreSQL at 127.0.0.1:${silent.port} within 1 s .*security group`));
    expect(Date.now() - started).toBeLessThan(5000);
  } finally {
    silent.close();
  }
}, 20_000);
