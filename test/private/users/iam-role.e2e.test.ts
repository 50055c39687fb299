import { randomBytes } from 'crypto';
import { Client } from 'pg';
import { letMasterTakeOverPublic, TestPostgres, testMajors } from './postgres';
import { ensureIamLogin, leaveIamLogin, RDS_IAM_ROLE } from '../../../src/private/users/iam-role';
import { provision, ProvisionDeps, UserResourceProperties } from '../../../src/private/users/provision';

// The IAM user's SQL against a real PostgreSQL of each major of testMajors() (PG_MAJORS). The master is RDS-like (LOGIN, CREATEROLE, CREATEDB, not a
// superuser); `rds_iam` is a stand-in NOLOGIN role the master may grant, as on Aurora. Locally a member of the
// stand-in can still log in with a password if it has one: the tests check that none is left.

const MASTER = { username: 'rdsmaster', password: 'master-pw' };
const MASTER_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:master-AbCdEf';
let pg: TestPostgres;
const secrets = new Map<string, Record<string, unknown>>([[MASTER_ARN, { ...MASTER }]]);
const logs: string[] = [];

const deps: ProvisionDeps = {
  getSecret: async (arn) => ({ ...secrets.get(arn)! }),
  connect: async (o) => {
    const c = new Client({ ...o, host: '127.0.0.1', port: pg.port });
    await c.connect();
    return c;
  },
  randomPassword: () => randomBytes(24).toString('hex'),
};

async function asMaster<T>(run: (c: Client) => Promise<T>): Promise<T> {
  const c = await pg.connect(MASTER.username, MASTER.password, 'postgres');
  try {
    return await run(c);
  } finally {
    await c.end();
  }
}

/**
 * What the superuser sees of a role: its password (pg_authid), attributes and whether it has rds_iam (USAGE:
 * the master's ADMIN grant, without INHERIT, does not count).
 */
async function inspect(role: string) {
  return pg.asSuperuser('postgres', async c => (await c.query(
    `SELECT rolpassword IS NULL AS "noPassword", rolcanlogin AS login, rolcreatedb AS createdb, rolcreaterole AS createrole,
       pg_has_role(rolname, '${RDS_IAM_ROLE}', 'USAGE') AS "rdsIam"
     FROM pg_authid WHERE rolname = $1`, [role])).rows[0]);
}

async function passwordLogin(user: string, password: string): Promise<void> {
  const c = await pg.connect(user, password, 'postgres');
  await c.end();
}

function passwordUser(username: string): UserResourceProperties {
  const arn = `arn:aws:secretsmanager:us-east-1:111111111111:secret:${username}-AbCdEf`;
  secrets.set(arn, { username, password: `pw-${randomBytes(6).toString('hex')}`, masterarn: MASTER_ARN });
  return {
    MasterSecretArn: MASTER_ARN,
    UserSecretArn: arn,
    Host: '127.0.0.1',
    Port: String(pg.port),
    Username: username,
    DatabaseName: 'app',
    Schemas: ['public'],
    Access: 'READ_WRITE',
  };
}

describe.each(testMajors())('PostgreSQL %i', (major) => {
  beforeAll(async () => {
    logs.length = 0;
    pg = await TestPostgres.start(major);
    await pg.asSuperuser('postgres', c => c.query(`CREATE ROLE ${MASTER.username} LOGIN CREATEROLE CREATEDB PASSWORD '${MASTER.password}'`));
    // 13 and 14: the cluster's database with a public schema the master may manage, as on Aurora (see provision.e2e.test.ts).
    if (major <= 14) await letMasterTakeOverPublic(pg, MASTER.username);
    await pg.asSuperuser('postgres', async (c) => {
      await c.query(`CREATE DATABASE app OWNER ${MASTER.username} TEMPLATE template0`);
      await c.query(`CREATE ROLE ${RDS_IAM_ROLE} NOLOGIN`);
      // 16+: a CREATEROLE role administers only the roles it has ADMIN on (as Aurora's master has on rds_iam,
      // without inheriting it); before 16, CREATEROLE alone may grant any non-superuser role.
      if (major >= 16) await c.query(`GRANT ${RDS_IAM_ROLE} TO ${MASTER.username} WITH ADMIN OPTION, INHERIT FALSE, SET FALSE`);
    });
  }, 120_000);

  afterAll(async () => {
    await pg?.stop();
  }, 60_000);

  test('a new IAM user: LOGIN without a password, CREATEDB or CREATEROLE, granted rds_iam; a re-run changes nothing', async () => {
    // GIVEN
    const expected = { noPassword: true, login: true, createdb: false, createrole: false, rdsIam: true };
    logs.length = 0;
    // WHEN
    await asMaster(c => ensureIamLogin(c, 'orders_iam', 'orders_iam_clone', m => logs.push(m)));
    // THEN
    expect(await inspect('orders_iam')).toEqual(expected);
    expect(logs).toEqual(['created role orders_iam (IAM, no password)', `granted ${RDS_IAM_ROLE} to orders_iam`]);
    // WHEN (again)
    logs.length = 0;
    await asMaster(c => ensureIamLogin(c, 'orders_iam', 'orders_iam_clone', m => logs.push(m)));
    // THEN
    expect(await inspect('orders_iam')).toEqual(expected);
    expect(logs).toEqual([`granted ${RDS_IAM_ROLE} to orders_iam`]); // taken off and back on: see finishIamLogin
    expect(await inspect('orders_iam_clone')).toBeUndefined();
  });

  test('PASSWORD -> IAM: the password goes, rds_iam comes, the rotation twin stays without LOGIN or password', async () => {
    // GIVEN
    const props = passwordUser('billing');
    await provision({ RequestType: 'Create', ResourceProperties: props }, deps);
    const secret = secrets.get(props.UserSecretArn!)!;
    await passwordLogin('billing', secret.password as string);
    const clonePassword = 'clone-pw';
    await asMaster(c => c.query(`ALTER ROLE billing_clone PASSWORD '${clonePassword}'`));
    // WHEN
    const messages: string[] = [];
    await asMaster(c => ensureIamLogin(c, 'billing', 'billing_clone', m => messages.push(m)));
    // THEN
    expect(await inspect('billing')).toEqual({ noPassword: true, login: true, createdb: false, createrole: false, rdsIam: true });
    expect(await inspect('billing_clone')).toEqual({ noPassword: true, login: false, createdb: false, createrole: false, rdsIam: true });
    expect(messages).toEqual(['billing_clone can no longer log in (the user logs in with IAM)', 'granted rds_iam to billing']);
    await expect(passwordLogin('billing', secret.password as string)).rejects.toThrow(/password authentication failed/);
    await expect(passwordLogin('billing_clone', clonePassword)).rejects.toThrow(/not permitted to log in|password authentication failed/);
  }, 60_000);

  test('IAM -> PASSWORD: rds_iam is revoked, then the password core sets the secret\'s password, which logs in', async () => {
    // GIVEN
    await asMaster(c => ensureIamLogin(c, 'shipping', 'shipping_clone'));
    // WHEN / THEN: leaving twice
    expect(await asMaster(c => leaveIamLogin(c, 'shipping'))).toBe(true);
    expect(await asMaster(c => leaveIamLogin(c, 'shipping'))).toBe(false);
    expect((await inspect('shipping')).rdsIam).toBe(false);
    // WHEN
    const props = passwordUser('shipping');
    await provision({ RequestType: 'Update', ResourceProperties: props, OldResourceProperties: props }, deps);
    // THEN
    await passwordLogin('shipping', secrets.get(props.UserSecretArn!)!.password as string);
    expect(await inspect('shipping_clone')).toMatchObject({ login: true, rdsIam: false });
  }, 60_000);

  test('refuses the master user', async () => {
    // GIVEN: the master (beforeAll)
    // WHEN / THEN
    await expect(asMaster(c => ensureIamLogin(c, MASTER.username, `${MASTER.username}_clone`))).rejects.toThrow(
      /rdsmaster is the master user, which never logs in with IAM/);
    expect((await inspect(MASTER.username)).rdsIam).toBe(false);
  });

  test('refuses a server without rds_iam (not Aurora or RDS)', async () => {
    // GIVEN
    await pg.asSuperuser('postgres', s => s.query(`ALTER ROLE ${RDS_IAM_ROLE} RENAME TO rds_iam_away`));
    try {
      // WHEN / THEN
      await expect(asMaster(c => ensureIamLogin(c, 'nobody', 'nobody_clone'))).rejects.toThrow(
        /the role rds_iam does not exist: IAM database authentication needs Aurora or RDS PostgreSQL/);
    } finally {
      await pg.asSuperuser('postgres', s => s.query(`ALTER ROLE rds_iam_away RENAME TO ${RDS_IAM_ROLE}`));
    }
    expect(await inspect('nobody')).toBeUndefined();
  });

  describe('through the provisioning core (Authentication: IAM)', () => {
    function iamUser(username: string, access: UserResourceProperties['Access']): UserResourceProperties {
      return {
        MasterSecretArn: MASTER_ARN,
        Host: '127.0.0.1',
        Port: String(pg.port),
        Username: username,
        DatabaseName: 'shop',
        Schemas: ['sales'],
        Access: access,
        Authentication: 'IAM',
      };
    }

    /** Runs statements as `role` (SET ROLE from the superuser: an IAM role has no password to log in with here). */
    async function asRole(role: string, statements: string): Promise<any[]> {
      return pg.asSuperuser('shop', async (c) => {
        await c.query(`SET ROLE ${role}`);
        const r = await c.query(statements);
        return (Array.isArray(r) ? r[r.length - 1] : r).rows;
      });
    }

    beforeAll(async () => {
      await provision({ RequestType: 'Create', ResourceProperties: iamUser('shop_owner_iam', 'OWNER') }, deps);
      await provision({ RequestType: 'Create', ResourceProperties: iamUser('shop_rw', 'READ_WRITE') }, deps);
      await provision({ RequestType: 'Create', ResourceProperties: iamUser('shop_ro', 'READ_ONLY') }, deps);
    }, 60_000);

    test('the roles: no password, rds_iam, a twin that cannot log in; the master does not inherit them; CONNECT on their database only', async () => {
      // GIVEN / WHEN: the shop users provisioned (beforeAll)
      // THEN
      for (const role of ['shop_owner_iam', 'shop_rw', 'shop_ro']) {
        expect(await inspect(role)).toEqual({ noPassword: true, login: true, createdb: false, createrole: false, rdsIam: true });
        expect(await inspect(`${role}_clone`)).toMatchObject({ noPassword: true, login: false });
      }
      expect((await inspect(MASTER.username)).rdsIam).toBe(false);
      const connect = await pg.asSuperuser('postgres', async c => (await c.query(
        "SELECT has_database_privilege('shop_rw', 'shop', 'CONNECT') AS shop, has_database_privilege('shop_rw', 'app', 'CONNECT') AS app")).rows[0]);
      expect(connect).toEqual({ shop: true, app: false });
    });

    test('the access levels\' rights: OWNER creates (owned by shop_owner), READ_WRITE writes, READ_ONLY reads', async () => {
      // GIVEN: the shop users provisioned (beforeAll)
      // WHEN
      await asRole('shop_owner_iam', 'SET role = shop_owner; CREATE TABLE sales.orders (id int)');
      await asRole('shop_rw', 'INSERT INTO sales.orders VALUES (1), (2); DELETE FROM sales.orders WHERE id = 2');
      // THEN
      expect(await asRole('shop_ro', 'SELECT id FROM sales.orders')).toEqual([{ id: 1 }]);
      await expect(asRole('shop_ro', 'INSERT INTO sales.orders VALUES (3)')).rejects.toThrow(/permission denied/);
      await expect(asRole('shop_rw', 'CREATE TABLE sales.mine (id int)')).rejects.toThrow(/permission denied/);
      expect(await pg.asSuperuser('shop', async c => (await c.query("SELECT tableowner FROM pg_tables WHERE tablename = 'orders'")).rows))
        .toEqual([{ tableowner: 'shop_owner' }]);
    });

    test('PASSWORD -> IAM -> PASSWORD through Update events: the rights stay, the password goes and comes back', async () => {
      // GIVEN
      await asRole('shop_owner_iam', 'SET role = shop_owner; CREATE TABLE IF NOT EXISTS sales.switched (id int)');
      const password = { ...passwordUser('switcher'), DatabaseName: 'shop', Schemas: ['sales'] };
      await provision({ RequestType: 'Create', ResourceProperties: password }, deps);
      const iam = { ...iamUser('switcher', 'READ_WRITE') };
      // WHEN
      await provision({ RequestType: 'Update', ResourceProperties: iam, OldResourceProperties: password }, deps);
      // THEN
      expect(await inspect('switcher')).toMatchObject({ noPassword: true, rdsIam: true });
      expect(await inspect('switcher_clone')).toMatchObject({ noPassword: true, login: false });
      expect((await inspect(MASTER.username)).rdsIam).toBe(false);
      expect(await asRole('switcher', 'SELECT count(*)::int AS n FROM sales.switched')).toEqual([{ n: 0 }]);
      // WHEN (back)
      await provision({ RequestType: 'Update', ResourceProperties: password, OldResourceProperties: iam }, deps);
      // THEN
      expect(await inspect('switcher')).toMatchObject({ noPassword: false, rdsIam: false });
      await passwordLogin('switcher', secrets.get(password.UserSecretArn!)!.password as string);
      expect(await inspect('switcher_clone')).toMatchObject({ login: true });
    }, 60_000);

    test('refuses an IAM user named like the master', async () => {
      // GIVEN
      const props = iamUser(MASTER.username, 'READ_ONLY');
      // WHEN / THEN
      await expect(provision({ RequestType: 'Create', ResourceProperties: props }, deps))
        .rejects.toThrow(/refusing to take over role rdsmaster|rdsmaster is the master user/);
      expect((await inspect(MASTER.username)).rdsIam).toBe(false);
    });

    test('refuses an unknown authentication, and a PASSWORD user without a secret', async () => {
      // GIVEN
      const kerberos = { ...iamUser('x', 'READ_ONLY'), Authentication: 'KERBEROS' as any };
      const noSecret = { ...iamUser('x', 'READ_ONLY'), Authentication: undefined };
      // WHEN / THEN
      await expect(provision({ RequestType: 'Create', ResourceProperties: kerberos }, deps)).rejects.toThrow(/invalid authentication "KERBEROS"/);
      await expect(provision({ RequestType: 'Create', ResourceProperties: noSecret }, deps)).rejects.toThrow(/a PASSWORD user needs UserSecretArn/);
    });
  });
});
