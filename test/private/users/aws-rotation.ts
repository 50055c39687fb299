import { randomBytes } from 'crypto';
import { TestPostgres } from './postgres';

/** Credentials as a secret's JSON holds them. */
export interface Creds { readonly username: string; readonly password: string }

async function canLogIn(pg: TestPostgres, creds: Creds, database: string): Promise<boolean> {
  try {
    const c = await pg.connect(creds.username, creds.password, database);
    await c.query('SELECT NOW()');
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * AWS's multi-user rotation for PostgreSQL, step by step as its documented scheme (and its published function,
 * SecretsManagerRDSPostgreSQLRotationMultiUser) does it, against a map that stands in for Secrets Manager:
 * - createSecret: AWSPENDING = AWSCURRENT with the other login (`<u>` <-> `<u>_clone`) and a new password;
 * - setSecret: done if AWSPENDING already logs in; else the current credentials must log in, and as the master
 *   (read from the secret that the user secret's `masterarn` names; `engine`, `host` and `username` are required) it creates the clone (`CREATE ROLE ... WITH LOGIN PASSWORD`, `GRANT <u> TO <u>_clone`)
 *   when missing, or changes its password (`ALTER USER ... WITH PASSWORD`);
 * - testSecret: AWSPENDING logs in and runs `SELECT NOW()`;
 * - finishSecret: AWSPENDING becomes AWSCURRENT.
 */
export async function rotateLikeAws(pg: TestPostgres, secrets: Map<string, Record<string, unknown>>, arn: string): Promise<void> {
  const current = secrets.get(arn)!;
  // Its get_secret_dict: these keys are required, and the engine must be postgres (or aurora-postgresql).
  for (const key of ['host', 'username', 'password', 'engine']) if (!(key in current)) throw new Error(`${key} key is missing from secret JSON`);
  if (!['postgres', 'aurora-postgresql'].includes(current.engine as string)) throw new Error('Database engine must be set to \'postgres\'');
  // setSecret: the master credentials come from the secret named by the user secret's masterarn.
  const master = secrets.get(current.masterarn as string) as unknown as Creds | undefined;
  if (!master) throw new Error(`setSecret: no master secret ${String(current.masterarn)}`);
  const currentUser = current.username as string;
  const database = current.dbname as string;
  const pending: Record<string, unknown> & Creds = {
    ...current,
    username: currentUser.endsWith('_clone') ? currentUser.slice(0, -'_clone'.length) : `${currentUser}_clone`,
    password: randomBytes(16).toString('hex'),
  };
  if (!await canLogIn(pg, pending, database)) {
    if (!await canLogIn(pg, current as unknown as Creds, database)) throw new Error('setSecret: the current credentials do not log in');
    const m = await pg.connect(master.username, master.password, database);
    try {
      const exists = (await m.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [pending.username])).rows.length > 0;
      if (!exists) {
        await m.query(`CREATE ROLE ${m.escapeIdentifier(pending.username)} WITH LOGIN PASSWORD ${m.escapeLiteral(pending.password)}`);
        await m.query(`GRANT ${m.escapeIdentifier(currentUser)} TO ${m.escapeIdentifier(pending.username)}`);
      } else {
        await m.query(`ALTER USER ${m.escapeIdentifier(pending.username)} WITH PASSWORD ${m.escapeLiteral(pending.password)}`);
      }
    } finally {
      await m.end();
    }
  }
  if (!await canLogIn(pg, pending, database)) throw new Error('testSecret: AWSPENDING does not log in');
  secrets.set(arn, pending);
}
