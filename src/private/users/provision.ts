/**
 * The user provisioning core, free of AWS and of the `pg` driver so that tests run it against a real
 * PostgreSQL: the Lambda wrapper (provider.lambda.ts) injects `getSecret` (Secrets Manager) and `connect` (pg).
 *
 * SQL design (one PostgreSQL cluster, database `<db>`, user `<u>`, its rotation twin `<u>_clone`):
 * - `<db>_owner` (NOLOGIN) owns the managed schemas and every object the OWNER users create in them; the master
 *   user is made a member so that it can manage the schemas and their default privileges.
 * - `<u>` and `<u>_clone` are LOGIN roles without CREATEROLE or CREATEDB; the clone is a member of `<u>`
 *   (`GRANT <u> TO <u>_clone`, AWS's multi-user rotation scheme), so every privilege is granted to `<u>` only.
 * - OWNER: `GRANT <db>_owner TO <u>` and `ALTER ROLE <u> / <u>_clone IN DATABASE <db> SET role = <db>_owner`:
 *   whatever a migration creates under either login is owned by `<db>_owner`, so the other login can alter and
 *   drop it, and the default privileges below apply to it.
 * - READ_WRITE / READ_ONLY: USAGE on the schemas; DML (or SELECT) on existing tables and sequences; the same
 *   for future ones through `ALTER DEFAULT PRIVILEGES FOR ROLE <db>_owner IN SCHEMA ...`.
 * - PUBLIC loses CONNECT and TEMPORARY on every connectable database the master user controls (each user gets
 *   CONNECT on its own), and on
 *   PostgreSQL 14 and older CREATE on schema public.
 * - A re-run revokes whatever any access level gave before it grants, so changing the access or the schemas
 *   takes back what the old setting gave. Passwords are set when a role is created, or when the secret's
 *   current credentials do not log in (a role kept from an earlier deployment); rotation owns them otherwise.
 */

import { ensureIamLogin, leaveIamLogin } from './iam-role';

/** The access levels, as the public `DatabaseAccess` enum spells them. */
export type Access = 'READ_ONLY' | 'READ_WRITE' | 'OWNER';

/** What the custom resource carries: names and ARNs, never a password. */
export interface UserResourceProperties {
  readonly MasterSecretArn: string;
  /** The user's secret; none for an IAM user. */
  readonly UserSecretArn?: string;
  readonly Host: string;
  readonly Port: string;
  readonly Username: string;
  readonly DatabaseName: string;
  readonly Schemas: string[];
  readonly Access: Access;
  /** 'PASSWORD' (default) or 'IAM' (no password, granted rds_iam: iam-role.ts). */
  readonly Authentication?: 'PASSWORD' | 'IAM';
  /** 'retain' (default) or 'destroy'. */
  readonly RemovalPolicy?: string;
}

/** A CloudFormation custom resource event, as the CDK provider framework hands it to `onEvent`. */
export interface ProvisionEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResourceProperties: UserResourceProperties;
  readonly OldResourceProperties?: UserResourceProperties;
  readonly PhysicalResourceId?: string;
}

/** The little of a SQL client the core needs (`pg.Client` fits). */
export interface SqlClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>;
  end(): Promise<void>;
}

/** Where and as whom to connect. */
export interface ConnectOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/** What the core needs from the outside world. */
export interface ProvisionDeps {
  /** The parsed JSON of a Secrets Manager secret (its AWSCURRENT version). */
  getSecret(arn: string): Promise<Record<string, unknown>>;
  /** An open connection. */
  connect(options: ConnectOptions): Promise<SqlClient>;
  /** A random password for the clone until rotation sets its own. */
  randomPassword(): string;
  /** Progress lines; never given a secret. */
  log?(message: string): void;
  /** Waits before another master login attempt (default: setTimeout). */
  sleep?(ms: number): Promise<void>;
}

/** The answer to the provider framework. */
export interface ProvisionResult {
  readonly PhysicalResourceId: string;
}

/** Role and database names this library manages: PostgreSQL identifiers it never needs to case-fold. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
/** The longest user name: `<u>_clone` must fit in PostgreSQL's 63 characters. */
export const MAX_USERNAME_LENGTH = 57;
export const CLONE_SUFFIX = '_clone';
export const OWNER_SUFFIX = '_owner';

/** The NOLOGIN role that owns a database's managed schemas and their objects. */
export function ownerRoleOf(databaseName: string): string {
  return `${databaseName}${OWNER_SUFFIX}`;
}

/** The second login of a user, as AWS's multi-user rotation names it. */
export function cloneOf(username: string): string {
  return `${username}${CLONE_SUFFIX}`;
}

/** Quotes an identifier as PostgreSQL's quote_ident does (always quoting). */
function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Runs the custom resource event; returns the physical id (`pg-user:<username>`). */
export async function provision(event: ProvisionEvent, deps: ProvisionDeps): Promise<ProvisionResult> {
  const props = normalize(event.ResourceProperties);
  const physicalId = `pg-user:${props.Username}`;
  const log = deps.log ?? (() => undefined);
  if (event.RequestType === 'Delete') {
    if (props.RemovalPolicy === 'destroy') {
      await dropUser(props, deps, log);
    } else {
      log(`delete: keeping role ${props.Username} (removal policy retain)`);
    }
    return { PhysicalResourceId: event.PhysicalResourceId ?? physicalId };
  }
  const old = event.RequestType === 'Update' && event.OldResourceProperties
    ? normalize(event.OldResourceProperties) : undefined;
  await ensureUser(props, old && old.Username === props.Username ? old : undefined, deps, log);
  return { PhysicalResourceId: physicalId };
}

function normalize(p: UserResourceProperties): UserResourceProperties {
  const schemas = Array.isArray(p.Schemas) ? p.Schemas : [];
  for (const name of [p.Username, p.DatabaseName, ...schemas]) {
    if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
      throw new Error(`invalid identifier ${JSON.stringify(name)}: expected letters, digits and underscores`);
    }
  }
  if (p.Authentication !== undefined && !['PASSWORD', 'IAM'].includes(p.Authentication)) {
    throw new Error(`invalid authentication ${JSON.stringify(p.Authentication)}: expected PASSWORD or IAM`);
  }
  if (p.Authentication !== 'IAM' && typeof p.UserSecretArn !== 'string') throw new Error('a PASSWORD user needs UserSecretArn');
  if (!['READ_ONLY', 'READ_WRITE', 'OWNER'].includes(p.Access)) {
    throw new Error(`invalid access ${JSON.stringify(p.Access)}: expected READ_ONLY, READ_WRITE or OWNER`);
  }
  if (p.Username.length > MAX_USERNAME_LENGTH) throw new Error(`user name ${p.Username} is longer than ${MAX_USERNAME_LENGTH} characters`);
  return { ...p, Schemas: [...new Set(schemas)], RemovalPolicy: (p.RemovalPolicy ?? 'retain').toLowerCase() };
}

interface Credentials { readonly username: string; readonly password: string }

function credentialsOf(secret: Record<string, unknown>, what: string): Credentials {
  if (typeof secret.username !== 'string' || typeof secret.password !== 'string') {
    throw new Error(`the ${what} secret has no string username and password`);
  }
  return { username: secret.username, password: secret.password };
}

async function withClient<T>(deps: ProvisionDeps, options: ConnectOptions, run: (c: SqlClient) => Promise<T>): Promise<T> {
  const client = await deps.connect(options);
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** How often, and how far apart, a refused master login is retried with the secret read again. */
const MASTER_ATTEMPTS = 6;
const MASTER_RETRY_MS = 10_000;

type MasterSession = <T>(database: string, run: (c: SqlClient) => Promise<T>) => Promise<T>;

/**
 * Runs statements as the master user. The master secret is read for every connection, and a refused login is
 * retried with the secret read again: the master's own rotation may be changing the password at that moment.
 */
function masterSession(p: UserResourceProperties, deps: ProvisionDeps, log: (m: string) => void): MasterSession {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)));
  return async (database, run) => {
    for (let attempt = 1; ; attempt++) {
      const master = credentialsOf(await deps.getSecret(p.MasterSecretArn), 'master');
      let client: SqlClient;
      try {
        client = await deps.connect({ host: p.Host, port: Number(p.Port), user: master.username, password: master.password, database });
      } catch (e) {
        if ((e as { code?: string }).code !== '28P01' || attempt >= MASTER_ATTEMPTS) throw e;
        log(`the master login was refused (attempt ${attempt} of ${MASTER_ATTEMPTS}); reading the master secret again`);
        await sleep(MASTER_RETRY_MS);
        continue;
      }
      try {
        return await run(client);
      } finally {
        await client.end();
      }
    }
  };
}

async function currentUser(c: SqlClient): Promise<string> {
  return (await c.query('SELECT current_user AS u')).rows[0].u;
}

async function roleExists(c: SqlClient, role: string): Promise<boolean> {
  return (await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rows.length > 0;
}

/**
 * Whether `member` has the privileges of `role` (inherits them). Not a plain pg_auth_members lookup: from
 * PostgreSQL 16 the creator of a role holds a grant of it with ADMIN but without INHERIT and SET.
 */
async function isMember(c: SqlClient, role: string, member: string): Promise<boolean> {
  return (await c.query("SELECT pg_has_role($2, $1, 'USAGE') AS m", [role, member])).rows[0].m === true;
}

/** Whether `member` was granted `role` directly. */
async function isDirectMember(c: SqlClient, role: string, member: string): Promise<boolean> {
  const r = await c.query(
    `SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
     WHERE r.rolname = $1 AND u.rolname = $2`, [role, member]);
  return r.rows.length > 0;
}

/** Runs a statement built server-side with format(), so that names and the password are quoted by PostgreSQL. */
async function execFormat(c: SqlClient, template: string, ...args: string[]): Promise<void> {
  const placeholders = args.map((_, i) => `$${i + 1}::text`).join(', ');
  const sql = (await c.query(`SELECT format(${literal(template)}, ${placeholders}) AS sql`, args)).rows[0].sql as string;
  await c.query(sql);
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

async function ensureUser(p: UserResourceProperties, old: UserResourceProperties | undefined, deps: ProvisionDeps,
  log: (m: string) => void): Promise<void> {
  const iam = p.Authentication === 'IAM';
  const user = iam ? undefined : credentialsOf(await deps.getSecret(p.UserSecretArn!), 'user');
  const u = p.Username;
  const clone = cloneOf(u);
  // An IAM user has no rotation twin: its privileges are set on the one login.
  const logins = iam ? [u] : [u, clone];
  const owner = ownerRoleOf(p.DatabaseName);
  const asMaster = masterSession(p, deps, log);

  let created = false;
  await asMaster('postgres', async (c) => {
    if (!await roleExists(c, owner)) {
      await c.query(`CREATE ROLE ${ident(owner)} NOLOGIN`);
      log(`created role ${owner}`);
    }
    if (!await isMember(c, owner, await currentUser(c))) await c.query(`GRANT ${ident(owner)} TO CURRENT_USER`);
    if (iam) {
      await ensureIamLogin(c, u, clone, log);
    } else {
      await leaveIamLogin(c, u, log); // an IAM user before: its password comes back below
      if (!await roleExists(c, u)) {
        await execFormat(c, 'CREATE ROLE %I LOGIN PASSWORD %L', u, user!.password);
        created = true;
        log(`created role ${u}`);
      }
      if (!await roleExists(c, clone)) {
        await execFormat(c, 'CREATE ROLE %I LOGIN PASSWORD %L', clone, deps.randomPassword());
        log(`created role ${clone}`);
      }
      // Least privilege, whatever an earlier version or a human set.
      for (const role of [u, clone]) await c.query(`ALTER ROLE ${ident(role)} NOCREATEDB NOCREATEROLE LOGIN`);
      if (!await isMember(c, u, clone)) await c.query(`GRANT ${ident(u)} TO ${ident(clone)}`);
    }

    if ((await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [p.DatabaseName])).rows.length === 0) {
      await c.query(`CREATE DATABASE ${ident(p.DatabaseName)}`);
      log(`created database ${p.DatabaseName}`);
    }
    // PUBLIC (every role) may connect to any database by default: close them, each user gets its own.
    const dbs = await c.query(`SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate AND datname <> 'rdsadmin'
      AND has_database_privilege(current_user, oid, 'CONNECT WITH GRANT OPTION')`);
    for (const { datname } of dbs.rows) {
      await c.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${ident(datname)} FROM PUBLIC`);
    }
    if (old && old.DatabaseName !== p.DatabaseName) {
      await c.query(`REVOKE CONNECT ON DATABASE ${ident(old.DatabaseName)} FROM ${ident(u)}`);
    }
    await c.query(`GRANT CONNECT ON DATABASE ${ident(p.DatabaseName)} TO ${ident(u)}`);
  });

  if (old && old.DatabaseName !== p.DatabaseName) {
    await asMaster(old.DatabaseName, c => revokeAll(c, old, u, logins));
  }
  await asMaster(p.DatabaseName, async (c) => {
    const version = Number((await c.query('SHOW server_version_num')).rows[0].server_version_num);
    if (version < 150000) await c.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    for (const s of p.Schemas) await c.query(`CREATE SCHEMA IF NOT EXISTS ${ident(s)} AUTHORIZATION ${ident(owner)}`);
    const schemas = [...new Set([...p.Schemas, ...(old && old.DatabaseName === p.DatabaseName ? old.Schemas : [])])];
    await revokeAll(c, { ...p, Schemas: schemas }, u, logins);
    await grant(c, p, u, logins);
  });
  log(`granted ${p.Access} on ${p.DatabaseName} (${p.Schemas.join(', ')}) to ${u}`);

  if (!created && user) await repairPassword(p, user, deps, asMaster, log);
}

/**
 * A role that already existed keeps its password, unless the secret's current credentials do not log in
 * (the user was removed with RETAIN and added again with a new secret): then the secret wins.
 */
async function repairPassword(p: UserResourceProperties, user: Credentials, deps: ProvisionDeps,
  asMaster: MasterSession, log: (m: string) => void): Promise<void> {
  if (user.username !== p.Username && user.username !== cloneOf(p.Username)) {
    throw new Error(`the user secret names ${user.username}, neither ${p.Username} nor ${cloneOf(p.Username)}`);
  }
  try {
    const login = { host: p.Host, port: Number(p.Port), user: user.username, password: user.password, database: p.DatabaseName };
    await withClient(deps, login, async () => undefined);
  } catch (e) {
    if ((e as { code?: string }).code !== '28P01') throw e;
    await asMaster('postgres', c => execFormat(c, 'ALTER ROLE %I PASSWORD %L', user.username, user.password));
    log(`reset the password of ${user.username} to the secret's (it did not log in)`);
  }
}

async function schemaExists(c: SqlClient, schema: string): Promise<boolean> {
  return (await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rows.length > 0;
}

/** Takes back everything any access level gave `u` (and its clone: `logins`) in the connected database. */
async function revokeAll(c: SqlClient, p: UserResourceProperties, u: string, logins: string[]): Promise<void> {
  const owner = ownerRoleOf(p.DatabaseName);
  const ownerExists = await roleExists(c, owner);
  for (const s of p.Schemas) {
    if (!await schemaExists(c, s)) continue;
    await c.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${ident(s)} FROM ${ident(u)}`);
    await c.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${ident(s)} FROM ${ident(u)}`);
    await c.query(`REVOKE ALL ON SCHEMA ${ident(s)} FROM ${ident(u)}`);
    if (ownerExists) {
      for (const kind of ['TABLES', 'SEQUENCES']) {
        await c.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(owner)} IN SCHEMA ${ident(s)} REVOKE ALL ON ${kind} FROM ${ident(u)}`);
      }
    }
  }
  for (const role of logins) await c.query(`ALTER ROLE ${ident(role)} IN DATABASE ${ident(p.DatabaseName)} RESET role`);
  if (ownerExists && await isDirectMember(c, owner, u)) await c.query(`REVOKE ${ident(owner)} FROM ${ident(u)}`);
}

const TABLE_PRIVILEGES: Record<Exclude<Access, 'OWNER'>, string> = {
  READ_ONLY: 'SELECT',
  READ_WRITE: 'SELECT, INSERT, UPDATE, DELETE',
};
const SEQUENCE_PRIVILEGES: Record<Exclude<Access, 'OWNER'>, string> = {
  READ_ONLY: 'SELECT',
  READ_WRITE: 'USAGE, SELECT, UPDATE',
};

/** Grants the access level to `u` in the connected database (the clone inherits it; `logins`: both). */
async function grant(c: SqlClient, p: UserResourceProperties, u: string, logins: string[]): Promise<void> {
  const owner = ownerRoleOf(p.DatabaseName);
  if (p.Access === 'OWNER') {
    await c.query(`GRANT ${ident(owner)} TO ${ident(u)}`);
    for (const s of p.Schemas) {
      await c.query(`ALTER SCHEMA ${ident(s)} OWNER TO ${ident(owner)}`);
      // Relations the master created in the schema before: the owner role takes them over.
      const rels = await c.query(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)`, [s]);
      for (const { relname } of rels.rows) await c.query(`ALTER TABLE ${ident(s)}.${ident(relname)} OWNER TO ${ident(owner)}`);
    }
    for (const role of logins) {
      await c.query(`ALTER ROLE ${ident(role)} IN DATABASE ${ident(p.DatabaseName)} SET role = ${ident(owner)}`);
    }
    return;
  }
  const tables = TABLE_PRIVILEGES[p.Access];
  const sequences = SEQUENCE_PRIVILEGES[p.Access];
  for (const s of p.Schemas) {
    await c.query(`GRANT USAGE ON SCHEMA ${ident(s)} TO ${ident(u)}`);
    await c.query(`GRANT ${tables} ON ALL TABLES IN SCHEMA ${ident(s)} TO ${ident(u)}`);
    await c.query(`GRANT ${sequences} ON ALL SEQUENCES IN SCHEMA ${ident(s)} TO ${ident(u)}`);
    await c.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(owner)} IN SCHEMA ${ident(s)} GRANT ${tables} ON TABLES TO ${ident(u)}`);
    await c.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(owner)} IN SCHEMA ${ident(s)} GRANT ${sequences} ON SEQUENCES TO ${ident(u)}`);
  }
}

/** Drops the user and its clone; refuses while either owns anything (its data would go with it). */
async function dropUser(p: UserResourceProperties, deps: ProvisionDeps, log: (m: string) => void): Promise<void> {
  const asMaster = masterSession(p, deps, log);
  const u = p.Username;
  const clone = cloneOf(u);
  const roles = [u, clone];
  const databases = await asMaster('postgres', async (c) => {
    const existing = (await c.query('SELECT rolname FROM pg_roles WHERE rolname = ANY($1)', [roles])).rows.map(r => r.rolname as string);
    if (existing.length === 0) return undefined;
    const owned = await c.query(
      `SELECT r.rolname, coalesce(d.datname, '(shared)') AS datname, count(*)::int AS n FROM pg_shdepend s
       JOIN pg_roles r ON r.oid = s.refobjid LEFT JOIN pg_database d ON d.oid = s.dbid
       WHERE s.deptype = 'o' AND r.rolname = ANY($1) GROUP BY 1, 2 ORDER BY 1, 2`, [existing]);
    if (owned.rows.length > 0) {
      const what = owned.rows.map(r => `${r.rolname} owns ${r.n} object(s) in ${r.datname}`).join('; ');
      throw new Error(`cannot drop user ${u}: ${what}. Dropping it would lose them. Fix: REASSIGN OWNED BY ${u} TO <owner role> `
        + 'in those databases (as the master user), or keep the user (removalPolicy RETAIN).');
    }
    // DROP OWNED needs the privileges of the roles it cleans up.
    const me = await currentUser(c);
    for (const role of existing) {
      if (!await isMember(c, role, me)) await c.query(`GRANT ${ident(role)} TO CURRENT_USER`);
    }
    const rows = await c.query(
      `SELECT DISTINCT d.datname FROM pg_shdepend s JOIN pg_roles r ON r.oid = s.refobjid JOIN pg_database d ON d.oid = s.dbid
       WHERE r.rolname = ANY($1) AND d.datallowconn`, [existing]);
    return { existing, names: rows.rows.map(r => r.datname as string) };
  });
  if (!databases) {
    log(`delete: role ${u} does not exist`);
    return;
  }
  const list = databases.existing.map(ident).join(', ');
  for (const db of new Set([...databases.names, p.DatabaseName])) {
    try {
      await asMaster(db, c => c.query(`DROP OWNED BY ${list}`));
    } catch (e) {
      if ((e as { code?: string }).code !== '3D000') throw e; // the database is gone
    }
  }
  await asMaster('postgres', async (c) => {
    await c.query(`DROP OWNED BY ${list}`); // privileges on shared objects (databases)
    for (const role of [clone, u]) await c.query(`DROP ROLE IF EXISTS ${ident(role)}`);
  });
  log(`dropped roles ${u} and ${clone}`);
}
