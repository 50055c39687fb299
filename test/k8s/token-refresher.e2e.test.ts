import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { pgpassFile, TOKEN_REFRESHER_SCRIPT, tokenRefresherContainer } from '../../src/k8s/private/token-refresher';
import { tempDir } from '../util';
import { RunningPostgres, startPostgres } from './postgres-process';

// The IAM token refresher for real: its script runs under /bin/sh with Debian's AWS CLI v2, which signs tokens
// locally (dummy credentials work offline); then the file mechanism end to end: a local PostgreSQL whose role's
// password the test sets to each token the refresher writes (as RDS accepts each new token), and psql (libpq) and
// node-postgres that are given nothing but PGPASSFILE and the PG* variables, in fresh processes, as an app would.

const AWS = ['/usr/bin/aws', '/usr/local/bin/aws'].find(p => fs.existsSync(p));
const psqlAvailable = spawnSync('psql', ['--version'], { stdio: 'ignore' }).status === 0;
if ((!AWS || !psqlAvailable) && process.env.CI) {
  throw new Error('the AWS CLI and psql are required in CI: apt-get install -y awscli postgresql-client');
}
const maybe = AWS && psqlAvailable ? describe : describe.skip;

const ADMIN_PASSWORD = 'admin-only-for-this-test';
const USER = 'orders';
const DATABASE = 'orders';

/** Splits a pgpass line on the colons that are not escaped, and unescapes the fields. */
function pgpassFields(line: string): string[] {
  return line.split(/(?<!\\):/).map(f => f.replace(/\\(.)/g, '$1'));
}

interface Refresher {
  readonly file: string;
  readonly process: ChildProcess;
  output: string;
}

/** Runs the script as the container would: `sh -c <script>` with the container's env, AWS credentials aside. */
function startRefresher(hosts: string[], port: string, refreshSeconds: number): Refresher {
  const dir = tempDir('token');
  const container = tokenRefresherContainer({
    image: 'unused',
    hosts,
    port,
    databaseName: DATABASE,
    username: USER,
    region: 'eu-west-1',
    volumeName: 'token',
    directory: dir,
    refreshSeconds,
  }) as { command: string[]; env: { name: string; value: string }[] };
  const env = Object.fromEntries(container.env.map(e => [e.name, e.value]));
  const child = spawn(container.command[0], container.command.slice(1), {
    env: {
      ...env,
      PATH: `${path.dirname(AWS!)}:/usr/bin:/bin`,
      HOME: tempDir('home'),
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r: Refresher = { file: env.PGPASSFILE, process: child, output: '' };
  child.stdout!.on('data', (d) => { r.output += d; });
  child.stderr!.on('data', (d) => { r.output += d; });
  return r;
}

/** Waits until the pgpass file exists with content other than `previous`; returns it. */
async function nextContent(r: Refresher, previous = '', timeoutMs = 30_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const text = fs.existsSync(r.file) ? fs.readFileSync(r.file, 'utf8') : '';
    if (text && text !== previous) return text;
    if (Date.now() > end) throw new Error(`no new token in ${timeoutMs} ms: ${r.output}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

async function stop(r: Refresher): Promise<number | null> {
  if (r.process.exitCode !== null) return r.process.exitCode;
  const exited = new Promise<number | null>(resolve => r.process.once('exit', code => resolve(code)));
  r.process.kill('SIGCONT');
  r.process.kill('SIGTERM');
  return exited;
}

maybe('the refresher script with the AWS CLI', () => {
  const started: Refresher[] = [];
  afterAll(async () => {
    for (const r of started) await stop(r);
  });

  test('writes one pgpass line per host (host, port, database, user, token), mode 0600, and replaces it', async () => {
    // GIVEN
    const r = startRefresher(['db.cluster-abc.eu-west-1.rds.amazonaws.com', 'db.cluster-ro-abc.eu-west-1.rds.amazonaws.com'], '5432', 1);
    started.push(r);

    // WHEN
    const first = await nextContent(r);

    // THEN
    expect((fs.statSync(r.file).mode % 0o1000).toString(8)).toBe('600');
    const lines = first.trimEnd().split('\n').map(pgpassFields);
    expect(lines.map(l => l.slice(0, 4))).toEqual([
      ['db.cluster-abc.eu-west-1.rds.amazonaws.com', '5432', DATABASE, USER],
      ['db.cluster-ro-abc.eu-west-1.rds.amazonaws.com', '5432', DATABASE, USER],
    ]);
    for (const [host, , , , token] of lines) {
      // A SigV4 presigned rds-db connect request for this host, user and region, valid 15 minutes.
      expect(token).toMatch(new RegExp(`^${host.replace(/\./g, '\\.')}:5432/\\?Action=connect&DBUser=${USER}&X-Amz-Algorithm=AWS4-HMAC-SHA256`
        + '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F\\d{8}%2Feu-west-1%2Frds-db%2Faws4_request&X-Amz-Date=\\d{8}T\\d{6}Z'
        + '&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=[0-9a-f]{64}$'));
    }
    // The colon inside the token is escaped, so the line has exactly five fields.
    expect(first.split('\n')[0]).toContain('.com\\:5432/?Action=connect');

    // WHEN a refresh later
    const second = await nextContent(r, first);

    // THEN
    expect(pgpassFields(second.split('\n')[0])[4]).not.toBe(lines[0][4]);
    expect((fs.statSync(r.file).mode % 0o1000).toString(8)).toBe('600');
    expect(fs.readdirSync(path.dirname(r.file)).filter(f => f !== 'pgpass')).toEqual([]); // no temporary file left behind
  }, 60_000);

  test('SIGTERM ends it at once (a native sidecar is stopped after the app)', async () => {
    // GIVEN a running refresher that wrote its first token
    const r = startRefresher(['db.cluster-abc.eu-west-1.rds.amazonaws.com'], '5432', 1);
    started.push(r);
    await nextContent(r);

    // WHEN
    const since = Date.now();
    const code = await stop(r);

    // THEN
    expect(code).toBe(0);
    expect(Date.now() - since).toBeLessThan(3_000);
  }, 40_000);
});

maybe('PGPASSFILE end to end: psql and node-postgres log in with whatever token the file holds now', () => {
  let server: RunningPostgres;
  let r: Refresher;
  let lastNodeStderr = '';

  beforeAll(async () => {
    server = await startPostgres(ADMIN_PASSWORD);
    await admin(async (c) => {
      await c.query(`CREATE ROLE ${USER} LOGIN`);
      await c.query(`CREATE DATABASE ${DATABASE} OWNER ${USER}`);
    });
    r = startRefresher(['127.0.0.1'], String(server.port), 2);
  }, 120_000);

  afterAll(async () => {
    if (r) await stop(r);
    await server?.stop();
  }, 60_000);

  async function admin<T>(run: (c: Client) => Promise<T>): Promise<T> {
    const c = new Client({ host: '127.0.0.1', port: server.port, user: 'postgres', password: ADMIN_PASSWORD, database: 'postgres' });
    await c.connect();
    try {
      return await run(c);
    } finally {
      await c.end();
    }
  }

  /** What RDS does for a new token: accepts it. Here: the role's password becomes the token. */
  async function acceptToken(token: string): Promise<void> {
    await admin(async c => c.query((await c.query('SELECT format(\'ALTER ROLE %I PASSWORD %L\', $1::text, $2::text) AS s', [USER, token])).rows[0].s));
  }

  /** The app's environment: the PG* variables and PGPASSFILE, never a password. */
  function appEnv(): Record<string, string> {
    return {
      PATH: process.env.PATH!,
      HOME: tempDir('home'),
      PGHOST: '127.0.0.1',
      PGPORT: String(server.port),
      PGUSER: USER,
      PGDATABASE: DATABASE,
      PGPASSFILE: pgpassFile(path.dirname(r.file)),
    };
  }

  function psql(): { status: number | null; out: string } {
    const p = spawnSync('psql', ['-X', '-w', '-A', '-t', '-c', 'SELECT current_user'], { encoding: 'utf8', env: appEnv() });
    return { status: p.status, out: (p.stdout + p.stderr).trim() };
  }

  /** node-postgres in a fresh process; its stderr aside (pg 8.x warns that pgpass support goes in pg 9). */
  function nodePostgres(): { status: number | null; out: string } {
    const script = `const { Client } = require('pg'); const c = new Client();
      c.connect().then(() => c.query('SELECT current_user')).then(r => { console.log(r.rows[0].current_user); return c.end(); })
        .catch(e => { console.log(e.message); process.exit(1); });`;
    const p = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: appEnv(), cwd: path.join(__dirname, '..', '..') });
    lastNodeStderr = p.stderr;
    return { status: p.status, out: p.stdout.trim() };
  }

  /** Waits for the next token and holds the refresher still (SIGSTOP) while the test uses it. */
  async function nextToken(previous = ''): Promise<{ content: string; token: string }> {
    r.process.kill('SIGCONT');
    const content = await nextContent(r, previous);
    r.process.kill('SIGSTOP');
    return { content: fs.readFileSync(r.file, 'utf8'), token: pgpassFields(content.trimEnd())[4] };
  }

  test('each new connection reads the current token; an open session outlives its token', async () => {
    // GIVEN the server and the refresher (shared by this describe: a real PostgreSQL takes seconds to start)
    const first = await nextToken();

    // WHEN the database does not accept the token yet, THEN
    // Before the database accepts this token, the file's token is refused: the clients really use the file.
    expect(psql()).toMatchObject({ status: 2, out: expect.stringMatching(/password authentication failed for user "orders"/) });
    expect(nodePostgres()).toMatchObject({ status: 1, out: expect.stringMatching(/password authentication failed for user "orders"/) });

    // WHEN it accepts it
    await acceptToken(first.token);

    // THEN
    expect(psql()).toEqual({ status: 0, out: USER });
    expect(nodePostgres()).toEqual({ status: 0, out: USER });
    // Works today, but node-postgres 8.x deprecates reading pgpass (docs/iam-authentication.md: its password function).
    expect(lastNodeStderr).toMatch(/pgpass support is deprecated and will be removed in pg@9\.0/);
    const open = new Client({ host: '127.0.0.1', port: server.port, user: USER, database: DATABASE, password: first.token });
    await open.connect();

    // WHEN the next token replaces it
    const second = await nextToken(first.content);

    // THEN
    expect(second.token).not.toBe(first.token);
    await acceptToken(second.token); // the old token no longer logs in
    expect(psql()).toEqual({ status: 0, out: USER });
    expect(nodePostgres()).toEqual({ status: 0, out: USER });
    await expect(new Client({ host: '127.0.0.1', port: server.port, user: USER, database: DATABASE, password: first.token }).connect())
      .rejects.toThrow(/password authentication failed/);
    // Tokens are checked at login only: the session opened with the first token still works.
    expect((await open.query('SELECT current_user AS u')).rows).toEqual([{ u: USER }]);
    await open.end();
  }, 90_000);

  test('libpq ignores the file once group or others may read it (why the refresher writes 0600 as the app\'s user)', async () => {
    // GIVEN the server and the refresher's file
    const file = pgpassFile(path.dirname(r.file));

    // WHEN
    fs.chmodSync(file, 0o644);
    try {
      const p = psql();

      // THEN
      expect(p.status).toBe(2);
      expect(p.out).toMatch(/has group or world access/);
    } finally {
      fs.chmodSync(file, 0o600);
    }
  }, 30_000);
});

test('the script is POSIX sh (dash parses it)', () => {
  // GIVEN
  const dash = fs.existsSync('/bin/dash') ? '/bin/dash' : '/bin/sh';

  // WHEN
  const parsed = spawnSync(dash, ['-n', '-c', TOKEN_REFRESHER_SCRIPT], { encoding: 'utf8' });

  // THEN
  expect(parsed).toMatchObject({ status: 0, stderr: '' });
});
