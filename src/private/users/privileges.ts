import { ident, serverVersion, SqlClient, sqlState } from './sql';

/**
 * What a user may do in its database, and taking it back. Everything is granted to `<u>` (the clone inherits it);
 * what an OWNER planted on `<u>`, `<u>_clone` or PUBLIC in the managed schemas is taken back on every run, and
 * after the grants the effect is checked with has_*_privilege, so a REVOKE that PostgreSQL turned into a warning
 * (e.g. on a schema the master cannot act for) fails the deployment instead of leaving a hole.
 */

/** The access levels, as the public `DatabaseAccess` enum spells them. */
export type Access = 'READ_ONLY' | 'READ_WRITE' | 'OWNER';

/** One user in one database. */
export interface UserScope {
  readonly database: string;
  readonly user: string;
  readonly clone: string;
  readonly owner: string;
  readonly schemas: string[];
  readonly access: Access;
}

const TABLE_PRIVILEGES: Record<Exclude<Access, 'OWNER'>, string> = {
  READ_ONLY: 'SELECT',
  READ_WRITE: 'SELECT, INSERT, UPDATE, DELETE',
};
const SEQUENCE_PRIVILEGES: Record<Exclude<Access, 'OWNER'>, string> = {
  READ_ONLY: 'SELECT',
  READ_WRITE: 'USAGE, SELECT, UPDATE',
};

/** Runs a statement on one object; a refusal names the object and its owner. */
async function onObject(c: SqlClient, sql: string, what: string, owner: string): Promise<void> {
  try {
    await c.query(sql);
  } catch (e) {
    if (sqlState(e) !== '42501') throw e;
    throw new Error(`cannot change the privileges on ${what}, owned by role ${owner}, which the master user cannot act for `
      + `(${(e as Error).message}). Fix: as ${owner} (or an rds_superuser), run ALTER ... OWNER TO <db>_owner on it, or drop it`);
  }
}

/**
 * The managed schemas exist and belong to `<db>_owner`; on PostgreSQL 14 and older, PUBLIC loses CREATE on `public`.
 * A schema whose owner the master cannot act for (13/14: `public` belongs to the bootstrap superuser) keeps its
 * owner; check() then says what is wrong.
 */
export async function prepareSchemas(c: SqlClient, s: UserScope, log: (m: string) => void): Promise<void> {
  for (const schema of s.schemas) await c.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)} AUTHORIZATION ${ident(s.owner)}`);
  const foreign = await c.query(
    `SELECT nspname, pg_get_userbyid(nspowner) AS owner, pg_has_role(current_user, nspowner, 'USAGE') AS mine
     FROM pg_namespace WHERE nspname = ANY($1) AND nspowner <> (SELECT oid FROM pg_roles WHERE rolname = $2)`, [s.schemas, s.owner]);
  for (const row of foreign.rows) {
    if (row.mine) {
      await c.query(`ALTER SCHEMA ${ident(row.nspname)} OWNER TO ${ident(s.owner)}`);
      log(`schema ${row.nspname}: owner ${row.owner} -> ${s.owner}`);
    }
  }
  if (await serverVersion(c) < 150000) {
    const pub = (await c.query("SELECT pg_has_role(current_user, nspowner, 'USAGE') AS mine FROM pg_namespace WHERE nspname = 'public'")).rows[0];
    if (pub?.mine) await c.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
  }
}

/**
 * Objects in the database owned by `<u>` or `<u>_clone` (an OWNER's `SET ROLE NONE; CREATE TABLE`, a large
 * object, a table in `public` on 13/14) go to `<db>_owner`: the other login, the later runs and DESTROY keep working.
 */
export async function reassignOwned(c: SqlClient, s: UserScope, log: (m: string) => void): Promise<void> {
  const owned = await c.query(
    `SELECT count(*)::int AS n FROM pg_shdepend d JOIN pg_roles r ON r.oid = d.refobjid
     WHERE d.deptype = 'o' AND d.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND r.rolname = ANY($1)`,
    [[s.user, s.clone]]);
  if (owned.rows[0].n === 0) return;
  await c.query(`REASSIGN OWNED BY ${ident(s.user)}, ${ident(s.clone)} TO ${ident(s.owner)}`);
  log(`reassigned ${owned.rows[0].n} object(s) of ${s.user} and ${s.clone} in ${s.database} to ${s.owner}`);
}

const KINDS: Record<string, string> = { r: 'TABLES', S: 'SEQUENCES', f: 'FUNCTIONS', T: 'TYPES', n: 'SCHEMAS' };

/** Takes back everything granted to `<u>` and `<u>_clone` in the managed schemas, and what was planted on PUBLIC. */
export async function revokeAll(c: SqlClient, s: UserScope): Promise<void> {
  const roles = [s.user, s.clone];
  const grantees = `${ident(s.user)}, ${ident(s.clone)}`;
  // Relations (tables, views, sequences...) and routines whose ACL names <u>, <u>_clone or (relations) PUBLIC.
  const relations = await c.query(
    `SELECT DISTINCT c.oid::regclass::text AS name, c.relkind = 'S' AS seq, pg_get_userbyid(c.relowner) AS owner, a.grantee = 0 AS public
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a
     WHERE n.nspname = ANY($1) AND (a.grantee = 0 OR a.grantee IN (SELECT oid FROM pg_roles WHERE rolname = ANY($2)))`, [s.schemas, roles]);
  for (const r of relations.rows) {
    const kind = r.seq ? 'SEQUENCE' : 'TABLE';
    await onObject(c, `REVOKE ALL ON ${kind} ${r.name} FROM ${r.public ? 'PUBLIC' : grantees}`, `${kind.toLowerCase()} ${r.name}`, r.owner);
  }
  const routines = await c.query(
    `SELECT DISTINCT p.oid::regprocedure::text AS name, pg_get_userbyid(p.proowner) AS owner
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, aclexplode(p.proacl) a
     WHERE n.nspname = ANY($1) AND a.grantee IN (SELECT oid FROM pg_roles WHERE rolname = ANY($2))`, [s.schemas, roles]);
  for (const r of routines.rows) await onObject(c, `REVOKE ALL ON ROUTINE ${r.name} FROM ${grantees}`, `routine ${r.name}`, r.owner);
  // SECURITY DEFINER routines run as their owner: PUBLIC (every role, READ_ONLY users included) loses EXECUTE.
  const definers = await c.query(
    `SELECT p.oid::regprocedure::text AS name, pg_get_userbyid(p.proowner) AS owner FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = ANY($1) AND p.prosecdef
       AND (p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0))`, [s.schemas]);
  for (const r of definers.rows) await onObject(c, `REVOKE EXECUTE ON ROUTINE ${r.name} FROM PUBLIC`, `routine ${r.name}`, r.owner);
  const schemas = await c.query(
    `SELECT DISTINCT n.nspname, pg_get_userbyid(n.nspowner) AS owner FROM pg_namespace n, aclexplode(n.nspacl) a
     WHERE n.nspname = ANY($1) AND a.grantee IN (SELECT oid FROM pg_roles WHERE rolname = ANY($2))`, [s.schemas, roles]);
  for (const r of schemas.rows) await onObject(c, `REVOKE ALL ON SCHEMA ${ident(r.nspname)} FROM ${grantees}`, `schema ${r.nspname}`, r.owner);

  // Default privileges: those of <u>/<u>_clone themselves, and those of <db>_owner that name them or PUBLIC.
  const defaults = await c.query(
    `SELECT pg_get_userbyid(d.defaclrole) AS role, n.nspname, d.defaclobjtype AS kind,
       CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS grantee
     FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a
     WHERE pg_get_userbyid(d.defaclrole) = ANY($1)
        OR (pg_get_userbyid(d.defaclrole) = $2 AND (a.grantee = 0 OR pg_get_userbyid(a.grantee) = ANY($1)))`, [roles, s.owner]);
  for (const d of defaults.rows) {
    if (d.role === s.owner && d.grantee === 'PUBLIC' && d.kind === 'f') continue; // EXECUTE for PUBLIC is PostgreSQL's default
    const where = d.nspname ? ` IN SCHEMA ${ident(d.nspname)}` : '';
    await c.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(d.role)}${where} REVOKE ALL ON ${KINDS[d.kind]} FROM ${d.grantee}`);
  }
  for (const role of roles) await c.query(`ALTER ROLE ${ident(role)} IN DATABASE ${ident(s.database)} RESET ALL`);
  const direct = await c.query(
    `SELECT 1 FROM pg_auth_members m WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = $1)
     AND m.member = (SELECT oid FROM pg_roles WHERE rolname = $2)`, [s.owner, s.user]);
  if (direct.rows.length > 0) await c.query(`REVOKE ${ident(s.owner)} FROM ${ident(s.user)}`);
}

/** Grants the access level to `<u>` in the connected database (the clone inherits it). */
export async function grant(c: SqlClient, s: UserScope): Promise<void> {
  const u = ident(s.user);
  const owner = ident(s.owner);
  if (s.access === 'OWNER') {
    await c.query(`GRANT ${owner} TO ${u}`);
    for (const schema of s.schemas) {
      // Relations the master created in the schema before: the owner role takes them over.
      const rels = await c.query(
        `SELECT c.oid::regclass::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)`, [schema]);
      for (const { name } of rels.rows) await c.query(`ALTER TABLE ${name} OWNER TO ${owner}`);
    }
    for (const role of [s.user, s.clone]) {
      await c.query(`ALTER ROLE ${ident(role)} IN DATABASE ${ident(s.database)} SET role = ${owner}`);
    }
    return;
  }
  const tables = TABLE_PRIVILEGES[s.access];
  const sequences = SEQUENCE_PRIVILEGES[s.access];
  for (const schema of s.schemas) {
    const sch = ident(schema);
    await c.query(`GRANT USAGE ON SCHEMA ${sch} TO ${u}`);
    await c.query(`GRANT ${tables} ON ALL TABLES IN SCHEMA ${sch} TO ${u}`);
    await c.query(`GRANT ${sequences} ON ALL SEQUENCES IN SCHEMA ${sch} TO ${u}`);
    await c.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${sch} GRANT ${tables} ON TABLES TO ${u}`);
    await c.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${sch} GRANT ${sequences} ON SEQUENCES TO ${u}`);
    if (s.access === 'READ_WRITE') await c.query(`GRANT EXECUTE ON ALL ROUTINES IN SCHEMA ${sch} TO ${u}`);
  }
}

/**
 * Checks the effect of the grants and revocations for both logins: CREATE only for OWNER on the managed schemas,
 * never on `public` otherwise; READ_ONLY writes no table. A failure names the object, its owner and the fix.
 */
export async function check(c: SqlClient, s: UserScope): Promise<void> {
  for (const role of [s.user, s.clone]) {
    const creatable = await c.query(
      `SELECT n.nspname, pg_get_userbyid(n.nspowner) AS owner FROM pg_namespace n
       WHERE has_schema_privilege($1, n.oid, 'CREATE') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'`, [role]);
    for (const row of creatable.rows) {
      if (s.access === 'OWNER' && s.schemas.includes(row.nspname)) continue;
      throw new Error(`${role} may create objects in schema ${row.nspname} of database ${s.database} (access ${s.access}): the schema `
        + `belongs to ${row.owner}, which the master user cannot act for, and it lets PUBLIC (every role) create objects; `
        + 'REVOKE CREATE ON SCHEMA had no effect (PostgreSQL 14 and older give PUBLIC CREATE on public). '
        + `Fix: as ${row.owner} or a superuser, run ALTER SCHEMA ${ident(row.nspname)} OWNER TO <master user> (or REVOKE CREATE ON SCHEMA `
        + `${ident(row.nspname)} FROM PUBLIC) in ${s.database}, then deploy again; or list schemas of your own in schemas`);
    }
    if (s.access === 'OWNER') {
      for (const schema of s.schemas) {
        const ok = (await c.query("SELECT has_schema_privilege($1, $2, 'CREATE') AS ok", [role, schema])).rows[0].ok;
        if (!ok) {
          const owner = (await c.query('SELECT pg_get_userbyid(nspowner) AS o FROM pg_namespace WHERE nspname = $1', [schema])).rows[0].o;
          throw new Error(`${role} (OWNER) cannot create objects in schema ${schema} of database ${s.database}: it belongs to ${owner}, `
            + `which the master user cannot act for. Fix: as ${owner} or a superuser run ALTER SCHEMA ${ident(schema)} OWNER TO <master user> `
            + 'in that database, then deploy again; or list schemas of your own in schemas');
        }
      }
    }
    if (s.access === 'READ_ONLY') {
      const writable = await c.query(
        `SELECT c.oid::regclass::text AS name, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = ANY($2) AND c.relkind IN ('r', 'p', 'v', 'f')
           AND has_table_privilege($1, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')`, [role, s.schemas]);
      if (writable.rows.length > 0) {
        const w = writable.rows[0];
        throw new Error(`${role} (READ_ONLY) may write table ${w.name}, owned by ${w.owner}. Fix: as ${w.owner}, REVOKE the grant to PUBLIC `
          + `or ${role} on it, or ALTER TABLE ... OWNER TO ${s.owner}`);
      }
    }
  }
}
