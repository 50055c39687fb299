/**
 * The SQL of a user that logs in with IAM database authentication, beside the password users' core
 * (provision.ts), free of AWS and of the `pg` driver so that tests run it against a real PostgreSQL.
 *
 * - `<u>` is a LOGIN role without a password (NOCREATEDB, NOCREATEROLE), granted `rds_iam`: Aurora then accepts
 *   only IAM tokens for it. Nothing rotates.
 * - PASSWORD -> IAM: the password is removed, the role is granted `rds_iam`, and the rotation twin `<u>_clone`
 *   (the other login of the alternating-users scheme) loses LOGIN and its password; it stays (NOLOGIN) so that
 *   the privilege steps, which work on both logins, stay the same.
 * - IAM -> PASSWORD: `rds_iam` is revoked (`leaveIamLogin`), after which the password core sets the secret's
 *   password as it does for a role kept from an earlier deployment.
 * - The master user never gets `rds_iam`: its password is what the provisioning, rotation and a break-glass
 *   login use.
 */
import { currentUser, ident, isDirectMember, isMember, roleExists, serverVersion, SqlClient, sqlState } from './sql';

/** The Aurora/RDS role whose members log in with IAM tokens only. */
export const RDS_IAM_ROLE = 'rds_iam';

/**
 * Makes `username` an IAM login, as the master user (connected to any database of the cluster): creates it
 * without a password or removes its password, grants it `rds_iam`, and retires its rotation twin `clone`.
 * Idempotent. Throws for the master user itself and where `rds_iam` does not exist (not Aurora or RDS).
 */
export async function ensureIamLogin(c: SqlClient, username: string, clone: string,
  log: (m: string) => void = () => undefined): Promise<void> {
  await prepareIamLogin(c, username, clone, log);
  await finishIamLogin(c, username, clone, log);
}

/**
 * The first half of `ensureIamLogin`, before the privilege steps: the checks, the role without a password (and
 * without `rds_iam` for the length of the run: the master acts for the role meanwhile, see `finishIamLogin`), the
 * twin retired.
 */
export async function prepareIamLogin(c: SqlClient, username: string, clone: string, log: (m: string) => void): Promise<void> {
  const master = await currentUser(c);
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
    await leaveIamLogin(c, username, () => undefined);
  } else {
    await c.query(`CREATE ROLE ${u} LOGIN NOCREATEDB NOCREATEROLE`);
    log(`created role ${username} (IAM, no password)`);
  }
  await retireClone(c, clone, log);
}

/**
 * The second half, after the privilege steps: the master stops inheriting the role (the provisioning made it a
 * member to act for it), then the role gets `rds_iam`. The master never has `rds_iam`, not even through a role
 * it inherits: whether Aurora's check follows inherited memberships is not documented, and a master that must
 * log in with IAM would lock out provisioning, rotation and break-glass access.
 */
export async function finishIamLogin(c: SqlClient, username: string, clone: string, log: (m: string) => void): Promise<void> {
  const master = await currentUser(c);
  // Through <u> itself and through the twin, which is a member of <u>.
  const grants = await c.query(
    `SELECT r.rolname AS role, g.rolname AS grantor FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
     JOIN pg_roles u ON u.oid = m.member LEFT JOIN pg_roles g ON g.oid = m.grantor
     WHERE r.rolname = ANY($1) AND u.rolname = $2`, [[username, clone], master]);
  const version = await serverVersion(c);
  for (const { role, grantor } of grants.rows) {
    const by = version >= 160000 && grantor ? ` GRANTED BY ${ident(grantor)}` : '';
    try {
      await c.query(`REVOKE ${ident(role)} FROM ${ident(master)}${by}`);
    } catch (e) {
      if (sqlState(e) !== '42501') throw e;
    }
  }
  if (await isMember(c, username, master)) {
    throw new Error(`the master user ${master} still inherits role ${username}, so granting it ${RDS_IAM_ROLE} could force the master `
      + `to log in with IAM. Fix: as an rds_superuser, run REVOKE ${ident(username)}, ${ident(clone)} FROM ${ident(master)}, then deploy again`);
  }
  if (!await isDirectMember(c, RDS_IAM_ROLE, username)) {
    await c.query(`GRANT ${ident(RDS_IAM_ROLE)} TO ${ident(username)}`);
    log(`granted ${RDS_IAM_ROLE} to ${username}`);
  }
}

/**
 * The alternating-users twin: kept (the privilege steps revoke and reassign for both logins), but it cannot log
 * in: no LOGIN, no password.
 */
async function retireClone(c: SqlClient, clone: string, log: (m: string) => void): Promise<void> {
  const r = (await c.query('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [clone])).rows[0];
  if (r === undefined) return;
  await c.query(`ALTER ROLE ${ident(clone)} NOLOGIN PASSWORD NULL`);
  if (r.rolcanlogin) log(`${clone} can no longer log in (the user logs in with IAM)`);
}

/**
 * Takes `rds_iam` back from `username` (IAM -> PASSWORD), as the master user; returns whether it had it. The
 * caller then sets the role's password.
 */
export async function leaveIamLogin(c: SqlClient, username: string, log: (m: string) => void = () => undefined): Promise<boolean> {
  if (!await roleExists(c, RDS_IAM_ROLE) || !await isDirectMember(c, RDS_IAM_ROLE, username)) return false;
  await c.query(`REVOKE ${ident(RDS_IAM_ROLE)} FROM ${ident(username)}`);
  log(`revoked ${RDS_IAM_ROLE} from ${username}`);
  return true;
}
