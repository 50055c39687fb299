import { RDS_IAM_ROLE } from './iam-role';
import { actFor, currentUser, execFormat, ident, serverVersion, SqlClient, sqlState } from './sql';

/**
 * The roles of one user: `<u>`, `<u>_clone` and `<db>_owner`. Every role this library creates carries a marker
 * comment; an existing role without it is somebody else's and is refused, unless the user opts in to adopt it
 * (then it loses every attribute and membership this library does not grant, and its password becomes the secret's).
 */

/** The comment on every role this library creates. */
export const ROLE_MARKER = 'managed by cdk-aurora-postgres: do not grant it anything by hand';

/** What the role step needs. */
export interface RolePlan {
  readonly user: string;
  readonly clone: string;
  readonly owner: string;
  readonly databaseName: string;
  /** Adopt roles that exist without the marker (the user's explicit opt-in). */
  readonly adopt: boolean;
  /**
   * The custom resource already manages this user (an Update with the same user name): its unmarked roles were
   * made by an earlier version of this library, which did not mark them.
   */
  readonly alreadyManaged: boolean;
  /** The SCRAM verifier of the user secret's password, and of a random one for the clone. */
  readonly userVerifier: string;
  readonly cloneVerifier: string;
  /** An IAM user (iam-role.ts): `<u>` keeps its `rds_iam` membership, `<u>_clone` does not log in. */
  readonly iam?: boolean;
}

interface RoleRow {
  readonly rolname: string;
  readonly rolcanlogin: boolean;
  readonly rolsuper: boolean;
  readonly rolcreaterole: boolean;
  readonly rolcreatedb: boolean;
  readonly rolreplication: boolean;
  readonly rolbypassrls: boolean;
  readonly marker: string | null;
}

async function describeRole(c: SqlClient, role: string): Promise<RoleRow | undefined> {
  return (await c.query(
    `SELECT rolname, rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls,
       shobj_description(oid, 'pg_authid') AS marker FROM pg_roles WHERE rolname = $1`, [role])).rows[0];
}

async function mark(c: SqlClient, role: string): Promise<void> {
  await execFormat(c, 'COMMENT ON ROLE %I IS %L', role, ROLE_MARKER);
}

function refuse(role: string, why: string, fix: string): never {
  throw new Error(`refusing to take over role ${role}: ${why}. Fix: ${fix}`);
}

/** Attributes a managed role must not have, as `ALTER ROLE` spells their removal. */
function extraAttributes(r: RoleRow, login: boolean): string[] {
  const out: string[] = [];
  if (r.rolcreaterole) out.push('NOCREATEROLE');
  if (r.rolcreatedb) out.push('NOCREATEDB');
  if (r.rolreplication) out.push('NOREPLICATION');
  if (r.rolbypassrls) out.push('NOBYPASSRLS');
  if (r.rolcanlogin !== login) out.push(login ? 'LOGIN' : 'NOLOGIN');
  return out;
}

/**
 * Takes away every attribute and role membership of `role` that this library does not grant (`allowed`), and
 * checks that they are gone: PostgreSQL 16+ revokes only grants made by the revoking role (or GRANTED BY it).
 */
async function strip(c: SqlClient, role: string, login: boolean, allowed: string[]): Promise<void> {
  const r = (await describeRole(c, role))!;
  const attributes = extraAttributes(r, login);
  if (attributes.length > 0) {
    try {
      await c.query(`ALTER ROLE ${ident(role)} ${attributes.join(' ')}`);
    } catch (e) {
      throw new Error(`cannot take ${attributes.join(', ')} away from role ${role}: ${(e as Error).message}. `
        + `Fix: as a user allowed to (rds_superuser), run ALTER ROLE ${ident(role)} ${attributes.join(' ')}`);
    }
  }
  const version = await serverVersion(c);
  const memberships = async () => (await c.query(
    `SELECT r.rolname AS role, g.rolname AS grantor FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
     LEFT JOIN pg_roles g ON g.oid = m.grantor WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = $1)`, [role]))
    .rows.filter(m => !allowed.includes(m.role)) as Array<{ role: string; grantor: string | null }>;
  for (const m of await memberships()) {
    const by = version >= 160000 && m.grantor ? ` GRANTED BY ${ident(m.grantor)}` : '';
    try {
      await c.query(`REVOKE ${ident(m.role)} FROM ${ident(role)}${by}`);
    } catch (e) {
      if (sqlState(e) !== '42501') throw e;
    }
  }
  const left = await memberships();
  if (left.length > 0) {
    const list = left.map(m => `${m.role} (granted by ${m.grantor ?? 'a dropped role'})`).join(', ');
    throw new Error(`role ${role} is a member of ${list}, which this library does not grant, and the master user cannot `
      + `revoke it. Fix: as the grantor or an rds_superuser, run REVOKE <role> FROM ${ident(role)}`);
  }
}

/** How to take over a role this library did not create. */
const ADOPT_HINT = 'if this role is yours to hand over, set adoptExistingRoles: true on the user (it loses every '
  + 'attribute and membership this library does not grant, and its password becomes the secret\'s)';

/**
 * Creates the owner role, the user and its clone, or checks that the existing ones are this library's (or
 * adopts them when the user said so). Returns whether the user role was created (or adopted) here, so that its
 * password is the secret's.
 */
export async function ensureRoles(c: SqlClient, plan: RolePlan, log: (m: string) => void): Promise<{ passwordSet: boolean }> {
  await ensureOwnerRole(c, plan, log);
  await actFor(c, plan.owner);
  const passwordSet = await ensureUserRole(c, plan, log);
  await ensureCloneRole(c, plan, log);

  // Least privilege on every run, whatever an earlier version or a person set.
  for (const role of [plan.user, plan.clone]) await actFor(c, role);
  await strip(c, plan.user, true, [plan.owner, ...plan.iam ? [RDS_IAM_ROLE] : []]);
  await strip(c, plan.clone, !plan.iam, [plan.user]);
  if (!(await c.query(
    'SELECT pg_has_role($1, $2, \'USAGE\') AS m', [plan.clone, plan.user])).rows[0].m) {
    await c.query(`GRANT ${ident(plan.user)} TO ${ident(plan.clone)}`);
  }
  return { passwordSet };
}

/** <db>_owner: NOLOGIN, owns the managed schemas and their objects; the master is a member. */
async function ensureOwnerRole(c: SqlClient, plan: RolePlan, log: (m: string) => void): Promise<void> {
  const master = await currentUser(c);
  if (plan.owner.toLowerCase() === master.toLowerCase()) {
    refuse(plan.owner, `it is the master user, and databaseName ${plan.databaseName} would make every OWNER user act as the master`,
      'choose another databaseName (its owner role is <databaseName>_owner)');
  }
  const owner = await describeRole(c, plan.owner);
  if (!owner) {
    await c.query(`CREATE ROLE ${ident(plan.owner)} NOLOGIN`);
    await mark(c, plan.owner);
    log(`created role ${plan.owner}`);
  } else if (owner.marker !== ROLE_MARKER) {
    if (owner.rolsuper) refuse(plan.owner, 'it is a superuser', 'choose another databaseName');
    if (owner.rolcanlogin && !plan.adopt) {
      refuse(plan.owner, 'it is an existing LOGIN role: the OWNER users would act as whoever logs in with it',
        `choose another databaseName, or ${ADOPT_HINT}`);
    }
    if (!plan.adopt && !plan.alreadyManaged) {
      refuse(plan.owner, 'it exists and was not created by this library (it has no marker comment)',
        `choose another databaseName, or ${ADOPT_HINT} (roles made by versions before the marker need it once)`);
    }
    await actFor(c, plan.owner);
    await strip(c, plan.owner, false, []);
    await mark(c, plan.owner);
    log(`took over role ${plan.owner}`);
  }
}

/** <u>: created with the secret's password, or checked (adopted when the user said so); whether its password was set. */
async function ensureUserRole(c: SqlClient, plan: RolePlan, log: (m: string) => void): Promise<boolean> {
  let passwordSet = false;
  const user = await describeRole(c, plan.user);
  if (!user) {
    await execFormat(c, 'CREATE ROLE %I LOGIN PASSWORD %L', plan.user, plan.userVerifier);
    await mark(c, plan.user);
    passwordSet = true;
    log(`created role ${plan.user}`);
  } else if (user.marker !== ROLE_MARKER) {
    if (user.rolsuper) refuse(plan.user, 'it is a superuser', 'give the user another username');
    if (!plan.adopt && !plan.alreadyManaged) {
      refuse(plan.user, 'it exists and was not created by this library (it has no marker comment): taking it over would '
        + 'reset its password and lock out whoever uses it', `give the user another username, or ${ADOPT_HINT}`);
    }
    await actFor(c, plan.user);
    await strip(c, plan.user, true, [plan.owner]);
    if (plan.adopt) {
      await execFormat(c, 'ALTER ROLE %I PASSWORD %L', plan.user, plan.userVerifier);
      passwordSet = true;
    }
    await mark(c, plan.user);
    log(`took over role ${plan.user}`);
  }
  return passwordSet;
}

/** <u>_clone, the other login of the alternating-users scheme: created, or checked (AWS's rotation may have made it). */
async function ensureCloneRole(c: SqlClient, plan: RolePlan, log: (m: string) => void): Promise<void> {
  const clone = await describeRole(c, plan.clone);
  if (!clone) {
    await execFormat(c, 'CREATE ROLE %I LOGIN PASSWORD %L', plan.clone, plan.cloneVerifier);
    await mark(c, plan.clone);
    log(`created role ${plan.clone}`);
  } else if (clone.marker !== ROLE_MARKER) {
    // AWS's rotation function creates a missing clone itself (`CREATE ROLE ... WITH LOGIN`, `GRANT <u> TO <clone>`).
    const madeByRotation = (await c.query(
      `SELECT 1 FROM pg_auth_members m WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = $1)
       AND m.member = (SELECT oid FROM pg_roles WHERE rolname = $2)`, [plan.user, plan.clone])).rows.length > 0;
    if (clone.rolsuper) refuse(plan.clone, 'it is a superuser', 'give the user another username');
    if (!madeByRotation && !plan.adopt && !plan.alreadyManaged) {
      refuse(plan.clone, 'it exists and was not created by this library or by the rotation of its user',
        `give the user another username, or ${ADOPT_HINT}`);
    }
    await mark(c, plan.clone);
    log(`took over role ${plan.clone}`);
  }
}
