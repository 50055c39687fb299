/**
 * The user provisioning core, free of AWS and of the `pg` driver so that tests run it against a real
 * PostgreSQL (13 to 18): the Lambda wrapper (handler.ts) injects `getSecret` (Secrets Manager) and `connect` (pg).
 *
 * SQL design (one PostgreSQL cluster, database `<db>`, user `<u>`, its rotation twin `<u>_clone`):
 * - Roles (roles.ts): `<db>_owner` (NOLOGIN) owns the managed schemas and every object the OWNER users create in
 *   them; `<u>` and `<u>_clone` are LOGIN roles without any other attribute or membership; the clone is a member of
 *   `<u>` (AWS's multi-user rotation scheme), so every privilege is granted to `<u>` only. Every role the library
 *   creates carries a marker comment; an existing role without it is refused unless the user opts in to adopt it.
 *   The master user is a member of all three: it needs their privileges to reassign, revoke and drop.
 * - Passwords reach PostgreSQL as SCRAM-SHA-256 verifiers computed here (scram.ts), never as plain text.
 * - Databases are created from template0; PUBLIC loses CONNECT and TEMPORARY on every database the master controls.
 * - Privileges (privileges.ts): objects `<u>`/`<u>_clone` own go to `<db>_owner`; a run revokes whatever any
 *   access level (or an OWNER) gave `<u>`, `<u>_clone` or PUBLIC, grants the access level, then checks the effect.
 * - OWNER: `GRANT <db>_owner TO <u>` and `ALTER ROLE <u> / <u>_clone IN DATABASE <db> SET role = <db>_owner`.
 *   OWNER rights are per database: `<db>_owner` owns every managed schema of `<db>`, whichever user listed it.
 * - Passwords are set when a role is created (or adopted), or when the secret's current credentials do not log
 *   in (a role kept from an earlier deployment); rotation owns them otherwise.
 * - An IAM user (Authentication 'IAM', iam-role.ts): the same roles and privileges, then `<u>` loses its password and
 *   is granted `rds_iam`, and `<u>_clone` (kept so that the privilege steps stay the same) loses LOGIN and its
 *   password. Back to PASSWORD: `rds_iam` is revoked, then the roles and the secret's password are as above.
 */

import { finishIamLogin, leaveIamLogin, prepareIamLogin } from './iam-role';
import { Access, check, grant, prepareSchemas, reassignOwned, revokeAll, UserScope } from './privileges';
import { ensureRoles, ROLE_MARKER } from './roles';
import { scramVerifier } from './scram';
import { actFor, execFormat, ident, SqlClient } from './sql';

export type { Access } from './privileges';
export type { SqlClient } from './sql';

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
  /** 'retain' (default) or 'destroy'. */
  readonly RemovalPolicy?: string;
  /** 'PASSWORD' (default) or 'IAM' (no password, granted rds_iam: iam-role.ts). */
  readonly Authentication?: 'PASSWORD' | 'IAM';
  /** 'true': take over existing roles that this library did not create (default: refuse them). */
  readonly AdoptExistingRoles?: string;
}

/** A CloudFormation custom resource event, as the CDK provider framework hands it to `onEvent`. */
export interface ProvisionEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly ResourceProperties: UserResourceProperties;
  readonly OldResourceProperties?: UserResourceProperties;
  readonly PhysicalResourceId?: string;
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

/** Runs the custom resource event; returns the physical id (`pg-user:<username>`). */
export async function provision(event: ProvisionEvent, deps: ProvisionDeps): Promise<ProvisionResult> {
  const props = normalize(event.ResourceProperties);
  const log = deps.log ?? (() => undefined);
  // One run at a time per cluster: users in service stacks deploy concurrently, and concurrent CREATE ROLE,
  // GRANT and ALTER DEFAULT PRIVILEGES on one database can fail each other ("tuple concurrently updated").
  return masterSession(props, deps, log)('postgres', async (lock) => {
    await lock.query('SELECT pg_advisory_lock($1)', [PROVISIONING_LOCK]);
    try {
      return await runEvent(event, props, deps, log);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [PROVISIONING_LOCK]);
    }
  });
}

/**
 * The advisory lock (in the `postgres` database, which every run connects to) that serializes this library's
 * provisioning runs on one cluster.
 */
export const PROVISIONING_LOCK = 0x0c0a9057;

async function runEvent(event: ProvisionEvent, props: UserResourceProperties, deps: ProvisionDeps,
  log: (m: string) => void): Promise<ProvisionResult> {
  const physicalId = `pg-user:${props.Username}`;
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

async function ensureUser(p: UserResourceProperties, old: UserResourceProperties | undefined, deps: ProvisionDeps,
  log: (m: string) => void): Promise<void> {
  const iam = p.Authentication === 'IAM';
  const user = iam ? undefined : credentialsOf(await deps.getSecret(p.UserSecretArn!), 'user');
  const u = p.Username;
  const clone = cloneOf(u);
  const owner = ownerRoleOf(p.DatabaseName);
  const asMaster = masterSession(p, deps, log);

  let passwordSet = false;
  await asMaster('postgres', async (c) => {
    // rds_iam comes off first, whatever the user: the master acts for <u> during the run (ensureRoles) and must never
    // inherit rds_iam; an IAM user gets it back at the end (finishIamLogin), a password user logs in with its secret.
    await leaveIamLogin(c, u, log);
    ({ passwordSet } = await ensureRoles(c, {
      user: u,
      clone,
      owner,
      databaseName: p.DatabaseName,
      adopt: p.AdoptExistingRoles === 'true',
      alreadyManaged: old !== undefined,
      // An IAM user's password is removed right below: a random one meanwhile.
      userVerifier: scramVerifier(user?.password ?? deps.randomPassword()),
      cloneVerifier: scramVerifier(deps.randomPassword()),
      iam,
    }, log));
    if (iam) await prepareIamLogin(c, u, clone, log);

    await ensureDatabase(c, p, old, log);
  });

  const scope = (q: UserResourceProperties, schemas: string[]): UserScope => ({
    database: q.DatabaseName, user: u, clone, owner: ownerRoleOf(q.DatabaseName), schemas, access: q.Access,
  });
  if (old && old.DatabaseName !== p.DatabaseName) {
    await asMaster(old.DatabaseName, async (c) => {
      await actFor(c, ownerRoleOf(old.DatabaseName));
      await reassignOwned(c, scope(old, old.Schemas), log);
      await revokeAll(c, scope(old, old.Schemas));
    });
  }
  await asMaster(p.DatabaseName, async (c) => {
    await prepareSchemas(c, scope(p, p.Schemas), log);
    await reassignOwned(c, scope(p, p.Schemas), log);
    const schemas = [...new Set([...p.Schemas, ...(old && old.DatabaseName === p.DatabaseName ? old.Schemas : [])])];
    await revokeAll(c, scope(p, schemas));
    await grant(c, scope(p, p.Schemas));
    await check(c, scope(p, p.Schemas));
  });
  log(`granted ${p.Access} on ${p.DatabaseName} (${p.Schemas.join(', ')}) to ${u}`);

  if (iam) await asMaster('postgres', c => finishIamLogin(c, u, clone, log));
  if (!passwordSet && user) await repairPassword(p, user, deps, asMaster, log);
}

/**
 * The user's database (created when missing), closed to PUBLIC like every database the master controls, and open
 * to the user; a database the user moved away from is closed to it.
 */
async function ensureDatabase(c: SqlClient, p: UserResourceProperties, old: UserResourceProperties | undefined,
  log: (m: string) => void): Promise<void> {
  const u = p.Username;
  const clone = cloneOf(u);
  if ((await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [p.DatabaseName])).rows.length === 0) {
    // template0: nothing a user planted in template1 is copied, and a session in template1 does not block it.
    await c.query(`CREATE DATABASE ${ident(p.DatabaseName)} TEMPLATE template0`);
    log(`created database ${p.DatabaseName}`);
  }
  // PUBLIC (every role) may connect to any database by default: close every one the master controls (template1
  // and postgres included), each user gets its own.
  const dbs = await c.query(`SELECT datname FROM pg_database WHERE datallowconn AND datname <> 'rdsadmin'
    AND has_database_privilege(current_user, oid, 'CONNECT WITH GRANT OPTION')
    AND (has_database_privilege(0::oid, oid, 'CONNECT') OR has_database_privilege(0::oid, oid, 'TEMPORARY'))`);
  for (const { datname } of dbs.rows) {
    await c.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${ident(datname)} FROM PUBLIC`);
  }
  const elsewhere = await c.query(`SELECT datname FROM pg_database WHERE datallowconn AND datname NOT IN ($1, 'rdsadmin')
    AND has_database_privilege(0::oid, oid, 'CONNECT')`, [p.DatabaseName]);
  if (elsewhere.rows.length > 0) {
    log(`warning: every role may still connect to ${elsewhere.rows.map(r => r.datname).join(', ')}: the master user cannot revoke it`);
  }
  if (old && old.DatabaseName !== p.DatabaseName) {
    await c.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${ident(old.DatabaseName)} FROM ${ident(u)}, ${ident(clone)}`);
  }
  await c.query(`GRANT CONNECT ON DATABASE ${ident(p.DatabaseName)} TO ${ident(u)}`);
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
    await asMaster('postgres', c => execFormat(c, 'ALTER ROLE %I PASSWORD %L', user.username, scramVerifier(user.password)));
    log(`reset the password of ${user.username} to the secret's (it did not log in)`);
  }
}

/** Drops the user and its clone; refuses while either owns anything (its data would go with it). */
async function dropUser(p: UserResourceProperties, deps: ProvisionDeps, log: (m: string) => void): Promise<void> {
  const asMaster = masterSession(p, deps, log);
  const u = p.Username;
  const clone = cloneOf(u);
  const roles = [u, clone];
  const databases = await asMaster('postgres', async (c) => {
    const found = (await c.query(`SELECT rolname, shobj_description(oid, 'pg_authid') = $2 AS ours
      FROM pg_roles WHERE rolname = ANY($1)`, [roles, ROLE_MARKER])).rows;
    const foreign = found.filter(r => !r.ours).map(r => r.rolname as string);
    if (foreign.length > 0) {
      // Not this library's (e.g. the Delete after a Create that refused to adopt them): never dropped.
      log(`delete: keeping ${foreign.join(' and ')}: not created by this library (no marker comment)`);
      return 'foreign';
    }
    const existing = found.map(r => r.rolname as string);
    if (existing.length === 0) return undefined;
    const owned = await c.query(
      `SELECT r.rolname, coalesce(d.datname, '(shared)') AS datname, count(*)::int AS n FROM pg_shdepend s
       JOIN pg_roles r ON r.oid = s.refobjid LEFT JOIN pg_database d ON d.oid = s.dbid
       WHERE s.deptype = 'o' AND r.rolname = ANY($1) GROUP BY 1, 2 ORDER BY 1, 2`, [existing]);
    if (owned.rows.length > 0) {
      const what = owned.rows.map(r => `${r.rolname} owns ${r.n} object(s) in ${r.datname}`).join('; ');
      const owners = [...new Set(owned.rows.map(r => r.rolname as string))].join(', ');
      throw new Error(`cannot drop user ${u}: ${what}. Dropping it would lose them. Fix: REASSIGN OWNED BY ${owners} TO <database>${OWNER_SUFFIX} `
        + 'in those databases (as the master user), or keep the user (removalPolicy RETAIN).');
    }
    // DROP OWNED needs the privileges of the roles it cleans up.
    for (const role of existing) await actFor(c, role);
    const rows = await c.query(
      `SELECT DISTINCT d.datname FROM pg_shdepend s JOIN pg_roles r ON r.oid = s.refobjid JOIN pg_database d ON d.oid = s.dbid
       WHERE r.rolname = ANY($1) AND d.datallowconn`, [existing]);
    return { existing, names: rows.rows.map(r => r.datname as string) };
  });
  if (databases === 'foreign') return;
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
