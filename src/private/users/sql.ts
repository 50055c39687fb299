/** SQL helpers for the user provisioning core (provision.ts, roles.ts, privileges.ts). */

/** The little of a SQL client the core needs (`pg.Client` fits). */
export interface SqlClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: any[] }>;
  end(): Promise<void>;
}

/** Quotes an identifier as PostgreSQL's quote_ident does (always quoting). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The SQLSTATE of a PostgreSQL error, if it is one. */
export function sqlState(e: unknown): string | undefined {
  return (e as { code?: string } | undefined)?.code;
}

/** Runs a statement built server-side with format(), so that names and literals are quoted by PostgreSQL. */
export async function execFormat(c: SqlClient, template: string, ...args: string[]): Promise<void> {
  const placeholders = args.map((_, i) => `$${i + 1}::text`).join(', ');
  const sql = (await c.query(`SELECT format(${literal(template)}, ${placeholders}) AS sql`, args)).rows[0].sql as string;
  await c.query(sql);
}

export async function currentUser(c: SqlClient): Promise<string> {
  return (await c.query('SELECT current_user AS u')).rows[0].u;
}

export async function serverVersion(c: SqlClient): Promise<number> {
  return Number((await c.query('SHOW server_version_num')).rows[0].server_version_num);
}

export async function roleExists(c: SqlClient, role: string): Promise<boolean> {
  return (await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rows.length > 0;
}

/**
 * Whether `member` has the privileges of `role` (inherits them). Not a plain pg_auth_members lookup: from
 * PostgreSQL 16 the creator of a role holds a grant of it with ADMIN but without INHERIT and SET.
 */
export async function isMember(c: SqlClient, role: string, member: string): Promise<boolean> {
  return (await c.query("SELECT pg_has_role($2, $1, 'USAGE') AS m", [role, member])).rows[0].m === true;
}

/** Whether `member` was granted `role` directly. */
export async function isDirectMember(c: SqlClient, role: string, member: string): Promise<boolean> {
  const r = await c.query(
    `SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
     WHERE r.rolname = $1 AND u.rolname = $2`, [role, member]);
  return r.rows.length > 0;
}

/**
 * Makes the master user a member of `role` (it needs its privileges to take over, reassign or drop what the role
 * owns), with an error that says why when PostgreSQL refuses (16+: a CREATEROLE role administers only the roles
 * it created or holds ADMIN OPTION on).
 */
export async function actFor(c: SqlClient, role: string): Promise<void> {
  const me = await currentUser(c);
  if (await isMember(c, role, me)) return;
  try {
    await c.query(`GRANT ${ident(role)} TO CURRENT_USER`);
  } catch (e) {
    if (sqlState(e) !== '42501') throw e;
    throw new Error(`the master user ${me} cannot act for role ${role}: ${(e as Error).message}. On PostgreSQL 16 and later `
      + `a CREATEROLE user administers only the roles it created or holds ADMIN OPTION on. Fix: as ${role}'s creator `
      + `(or the rds_superuser that made it) run GRANT ${ident(role)} TO ${ident(me)} WITH ADMIN OPTION, or drop the role`);
  }
}
