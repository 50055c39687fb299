/**
 * The SQL of a user that logs in with IAM database authentication, beside the password users' core
 * (provision.ts), free of AWS and of the `pg` driver so that tests run it against a real PostgreSQL.
 *
 * - `<u>` is a LOGIN role without a password (NOCREATEDB, NOCREATEROLE), granted `rds_iam`: Aurora then accepts
 *   only IAM tokens for it. There is no `<u>_clone`: nothing rotates.
 * - PASSWORD -> IAM: the password is removed, the role is granted `rds_iam`, and the rotation twin `<u>_clone`
 *   (the other login of the alternating-users scheme) loses LOGIN, its password and its membership, and is
 *   dropped when nothing depends on it.
 * - IAM -> PASSWORD: `rds_iam` is revoked (`leaveIamLogin`), after which the password core sets the secret's
 *   password as it does for a role kept from an earlier deployment.
 * - The master user never gets `rds_iam`: its password is what the provisioning, rotation and a break-glass
 *   login use.
 */
import type { SqlClient } from './provision';

/** The Aurora/RDS role whose members log in with IAM tokens only. */
export const RDS_IAM_ROLE = 'rds_iam';

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function roleExists(c: SqlClient, role: string): Promise<boolean> {
  return (await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rows.length > 0;
}

async function isDirectMember(c: SqlClient, role: string, member: string): Promise<boolean> {
  const r = await c.query(
    `SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
     WHERE r.rolname = $1 AND u.rolname = $2`, [role, member]);
  return r.rows.length > 0;
}

/**
 * Makes `username` an IAM login, as the master user (connected to any database of the cluster): creates it
 * without a password or removes its password, grants it `rds_iam`, and retires its rotation twin `clone`.
 * Idempotent. Throws for the master user itself and where `rds_iam` does not exist (not Aurora or RDS).
 */
export async function ensureIamLogin(c: SqlClient, username: string, clone: string,
  log: (m: string) => void = () => undefined): Promise<void> {
  const master = (await c.query('SELECT current_user AS u')).rows[0].u as string;
  if (username === master) {
    throw new Error(`${username} is the master user, which never logs in with IAM: granting it ${RDS_IAM_ROLE} would disable `
      + 'its password, which provisioning, rotation and break-glass access need. Fix: give the IAM user another name.');
  }
  if (!await roleExists(c, RDS_IAM_ROLE)) {
    throw new Error(`the role ${RDS_IAM_ROLE} does not exist: IAM database authentication needs Aurora or RDS PostgreSQL. `
      + 'Fix: use DatabaseAuthentication.PASSWORD on this server.');
  }
  const u = ident(username);
  if (await roleExists(c, username)) {
    // A password user before (or a role made by hand): no password login may remain.
    await c.query(`ALTER ROLE ${u} LOGIN NOCREATEDB NOCREATEROLE PASSWORD NULL`);
  } else {
    await c.query(`CREATE ROLE ${u} LOGIN NOCREATEDB NOCREATEROLE`);
    log(`created role ${username} (IAM, no password)`);
  }
  if (!await isDirectMember(c, RDS_IAM_ROLE, username)) {
    await c.query(`GRANT ${ident(RDS_IAM_ROLE)} TO ${u}`);
    log(`granted ${RDS_IAM_ROLE} to ${username}`);
  }
  await retireClone(c, username, clone, log);
}

/** The alternating-users twin of a former password user: no login, no password, no privileges, then dropped. */
async function retireClone(c: SqlClient, username: string, clone: string, log: (m: string) => void): Promise<void> {
  if (!await roleExists(c, clone)) return;
  if (await isDirectMember(c, username, clone)) await c.query(`REVOKE ${ident(username)} FROM ${ident(clone)}`);
  await c.query(`ALTER ROLE ${ident(clone)} NOLOGIN PASSWORD NULL`);
  try {
    await c.query(`DROP ROLE ${ident(clone)}`);
    log(`dropped role ${clone} (${username} logs in with IAM now)`);
  } catch (e) {
    if ((e as { code?: string }).code !== '2BP01') throw e;
    log(`kept role ${clone} without LOGIN: objects depend on it (${(e as Error).message})`);
  }
}

/**
 * Takes `rds_iam` back from `username` (IAM -> PASSWORD), as the master user; returns whether it had it. The
 * caller then sets the role's password.
 */
export async function leaveIamLogin(c: SqlClient, username: string, log: (m: string) => void = () => undefined): Promise<boolean> {
  if (!await roleExists(c, RDS_IAM_ROLE) || !await isDirectMember(c, RDS_IAM_ROLE, username)) return false;
  await c.query(`REVOKE ${ident(RDS_IAM_ROLE)} FROM ${ident(username)}`);
  log(`revoked ${RDS_IAM_ROLE} from ${username} (it logs in with a password now)`);
  return true;
}
