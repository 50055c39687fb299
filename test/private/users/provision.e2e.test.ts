import { randomBytes } from 'crypto';
import { Client } from 'pg';
import { rotateLikeAws } from './aws-rotation';
import { letMasterTakeOverPublic, TestPostgres, testMajors } from './postgres';
import { provision, PROVISIONING_LOCK, ProvisionDeps, ProvisionEvent, UserResourceProperties } from '../../../src/private/users/provision';

// The provisioning core (the Lambda handler's SQL) against a real PostgreSQL, on each major of testMajors() (PG_MAJORS). The master user is RDS-like:
// LOGIN, CREATEROLE and CREATEDB, not a superuser, owner of the cluster's database `app`. Secrets Manager is a map.

describe.each(testMajors())('PostgreSQL %i', (major) => {
  const MASTER = { username: 'rdsmaster', password: 'm@ster:/?#\'"pw' };
  const MASTER_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:master-AbCdEf';
  let pg: TestPostgres;
  const secrets = new Map<string, Record<string, unknown>>();
  const logs: string[] = [];

  const deps: ProvisionDeps = {
    getSecret: async (arn) => {
      const s = secrets.get(arn);
      if (!s) throw new Error(`no secret ${arn}`);
      return { ...s };
    },
    connect: async (o) => {
      const c = new Client({ ...o, host: '127.0.0.1', port: pg.port });
      await c.connect();
      return c;
    },
    randomPassword: () => randomBytes(24).toString('hex'),
    log: (m) => logs.push(m),
  };

  interface Creds { readonly username: string; readonly password: string }

  function userArn(username: string): string {
    return `arn:aws:secretsmanager:us-east-1:111111111111:secret:${username}-AbCdEf`;
  }

  /** The custom resource properties of one user; its secret is put into the fake Secrets Manager once. */
  function user(username: string, access: UserResourceProperties['Access'], databaseName = 'orders', schemas = ['public'],
    removalPolicy = 'retain'): UserResourceProperties {
    if (!secrets.has(userArn(username))) {
      secrets.set(userArn(username), {
        username, password: `pw-${username}-'"@:/ ${randomBytes(4).toString('hex')}`, engine: 'postgres', host: '127.0.0.1', port: pg.port, dbname: databaseName, masterarn: MASTER_ARN,
      });
    }
    return {
      MasterSecretArn: MASTER_ARN,
      UserSecretArn: userArn(username),
      Host: '127.0.0.1',
      Port: String(pg.port),
      Username: username,
      DatabaseName: databaseName,
      Schemas: schemas,
      Access: access,
      RemovalPolicy: removalPolicy,
    };
  }

  function run(type: ProvisionEvent['RequestType'], props: UserResourceProperties, old?: UserResourceProperties) {
    return provision({ RequestType: type, ResourceProperties: props, OldResourceProperties: old, PhysicalResourceId: `pg-user:${props.Username}` }, deps);
  }

  /** The credentials in a user's secret right now (what a pod's env holds after its last restart). */
  function current(username: string): Creds {
    const s = secrets.get(userArn(username))!;
    return { username: s.username as string, password: s.password as string };
  }

  async function sql(creds: Creds, database: string, statements: string): Promise<any[]> {
    const c = await pg.connect(creds.username, creds.password, database);
    try {
      const r = await c.query(statements);
      return (Array.isArray(r) ? r[r.length - 1] : r).rows;
    } finally {
      await c.end();
    }
  }

  const DENIED = /permission denied|must be owner|must be able to SET ROLE/;

  beforeAll(async () => {
    pg = await TestPostgres.start(major);
    secrets.set(MASTER_ARN, { ...MASTER, dbname: 'app', engine: 'postgres', host: '127.0.0.1' });
    await pg.asSuperuser('postgres', async (c) => {
      await c.query(`CREATE ROLE ${MASTER.username} LOGIN CREATEROLE CREATEDB PASSWORD ${c.escapeLiteral(MASTER.password)}`);
      await c.query(`CREATE DATABASE app OWNER ${MASTER.username}`);
    });
    if (major <= 14) await letMasterTakeOverPublic(pg, MASTER.username);
  }, 120_000);

  afterAll(async () => {
    await pg?.stop();
  }, 60_000);

  describe('concurrent runs (users in service stacks deploy at the same time)', () => {
    test('a run waits while another holds the cluster\'s provisioning lock, then completes', async () => {
      // GIVEN
      const holder = await pg.connect(MASTER.username, MASTER.password, 'postgres');
      await holder.query('SELECT pg_advisory_lock($1)', [PROVISIONING_LOCK]);
      let done = false;
      // WHEN
      const waiting = run('Create', user('locked_a', 'READ_ONLY', 'concurrent')).then(() => { done = true; });
      await new Promise(resolve => setTimeout(resolve, 1500));
      // THEN
      const before = await pg.asSuperuser('postgres', async c => (await c.query("SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'locked_a'")).rows[0].n);
      expect({ done, before }).toEqual({ done: false, before: 0 });
      // WHEN
      await holder.query('SELECT pg_advisory_unlock($1)', [PROVISIONING_LOCK]);
      await holder.end();
      await waiting;
      // THEN
      expect(done).toBe(true);
    }, 60_000);

    test('five users of one database created at once all get their rights', async () => {
      // GIVEN
      const names = ['conc_a', 'conc_b', 'conc_c', 'conc_d', 'conc_e'];
      // WHEN
      await Promise.all(names.map(n => run('Create', user(n, n === 'conc_a' ? 'OWNER' : 'READ_WRITE', 'concurrent'))));
      // THEN
      await sql(current('conc_a'), 'concurrent', 'CREATE TABLE t (id int)');
      for (const n of names.slice(1)) {
        await sql(current(n), 'concurrent', 'INSERT INTO t VALUES (1)');
      }
      expect(await sql(current('conc_b'), 'concurrent', 'SELECT count(*)::int AS n FROM t')).toEqual([{ n: 4 }]);
    }, 120_000);
  });

  describe('access levels', () => {
    beforeAll(async () => {
      await run('Create', user('migrator', 'OWNER'));
      await run('Create', user('orders', 'READ_WRITE'));
      await run('Create', user('reporting', 'READ_ONLY'));
      await run('Create', user('billing', 'READ_WRITE', 'billing'));
      await sql(current('migrator'), 'orders', 'CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL)');
    }, 60_000);

    test('roles: LOGIN without CREATEROLE/CREATEDB, a clone per user that is a member of it, a NOLOGIN owner role', async () => {
      // GIVEN / WHEN: the group's users provisioned (beforeAll)
      // THEN
      const roles = await pg.asSuperuser('postgres', async c => (await c.query(
        `SELECT rolname, rolcanlogin, rolcreaterole, rolcreatedb, rolsuper FROM pg_roles
         WHERE rolname IN ('migrator', 'migrator_clone', 'orders', 'orders_clone', 'orders_owner') ORDER BY rolname`)).rows);
      expect(roles).toEqual([
        { rolname: 'migrator', rolcanlogin: true, rolcreaterole: false, rolcreatedb: false, rolsuper: false },
        { rolname: 'migrator_clone', rolcanlogin: true, rolcreaterole: false, rolcreatedb: false, rolsuper: false },
        { rolname: 'orders', rolcanlogin: true, rolcreaterole: false, rolcreatedb: false, rolsuper: false },
        { rolname: 'orders_clone', rolcanlogin: true, rolcreaterole: false, rolcreatedb: false, rolsuper: false },
        { rolname: 'orders_owner', rolcanlogin: false, rolcreaterole: false, rolcreatedb: false, rolsuper: false },
      ]);
      const member = await pg.asSuperuser('postgres', async c => (await c.query(
        "SELECT pg_has_role('orders_clone', 'orders', 'MEMBER') AS clone, pg_has_role('migrator', 'orders_owner', 'MEMBER') AS owner")).rows[0]);
      expect(member).toEqual({ clone: true, owner: true });
    });

    test('OWNER: creates, alters and drops objects, which belong to the owner role', async () => {
      // GIVEN / WHEN: the group's users provisioned (beforeAll)
      // THEN
      const m = current('migrator');
      await sql(m, 'orders', 'CREATE TABLE scratch (id int); ALTER TABLE scratch ADD COLUMN note text; CREATE INDEX ON scratch (id)');
      expect(await sql(m, 'orders', "SELECT tableowner FROM pg_tables WHERE tablename IN ('items', 'scratch')"))
        .toEqual([{ tableowner: 'orders_owner' }, { tableowner: 'orders_owner' }]);
      await sql(m, 'orders', 'DROP TABLE scratch');
      await expect(sql(m, 'orders', 'CREATE ROLE intruder')).rejects.toThrow(DENIED);
      await expect(sql(m, 'orders', 'CREATE DATABASE intruder')).rejects.toThrow(DENIED);
      await expect(sql(m, 'billing', 'SELECT 1')).rejects.toThrow(/permission denied for database/);
    });

    test('READ_WRITE: reads and writes the OWNER\'s later tables (default privileges), cannot change the schema', async () => {
      // GIVEN / WHEN: the group's users provisioned (beforeAll)
      // THEN
      const o = current('orders');
      await sql(o, 'orders', "INSERT INTO items (name) VALUES ('a'), ('b'); UPDATE items SET name = 'c' WHERE name = 'b'; DELETE FROM items WHERE name = 'a'");
      expect(await sql(o, 'orders', 'SELECT name FROM items')).toEqual([{ name: 'c' }]);
      await expect(sql(o, 'orders', 'CREATE TABLE mine (id int)')).rejects.toThrow(DENIED);
      await expect(sql(o, 'orders', 'ALTER TABLE items ADD COLUMN x int')).rejects.toThrow(DENIED);
      await expect(sql(o, 'orders', 'DROP TABLE items')).rejects.toThrow(DENIED);
      await expect(sql(o, 'orders', 'TRUNCATE items')).rejects.toThrow(DENIED);
      await expect(sql(o, 'orders', 'CREATE ROLE intruder')).rejects.toThrow(DENIED);
      await expect(sql(o, 'orders', 'CREATE DATABASE intruder')).rejects.toThrow(DENIED);
      await expect(sql(o, 'orders', 'SET ROLE orders_owner')).rejects.toThrow(DENIED);
      await expect(sql(o, 'billing', 'SELECT 1')).rejects.toThrow(/permission denied for database/);
      await expect(sql(o, 'app', 'SELECT 1')).rejects.toThrow(/permission denied for database/);
    });

    test('READ_ONLY: reads tables and sequences, writes nothing', async () => {
      // GIVEN / WHEN: the group's users provisioned (beforeAll)
      // THEN
      const r = current('reporting');
      expect(await sql(r, 'orders', 'SELECT count(*)::int AS n FROM items')).toEqual([{ n: 1 }]);
      expect(await sql(r, 'orders', 'SELECT last_value > 0 AS ok FROM items_id_seq')).toEqual([{ ok: true }]);
      await expect(sql(r, 'orders', "INSERT INTO items (name) VALUES ('x')")).rejects.toThrow(DENIED);
      await expect(sql(r, 'orders', 'DELETE FROM items')).rejects.toThrow(DENIED);
      await expect(sql(r, 'orders', "SELECT nextval('items_id_seq')")).rejects.toThrow(DENIED);
      await expect(sql(r, 'orders', 'CREATE TABLE mine (id int)')).rejects.toThrow(DENIED);
      await expect(sql(r, 'orders', 'CREATE TEMP TABLE t (id int)')).rejects.toThrow(DENIED);
    });

    test('another database: its own user only', async () => {
      // GIVEN / WHEN: the group's users provisioned (beforeAll)
      // THEN
      const b = current('billing');
      expect(await sql(b, 'billing', 'SELECT current_database() AS db')).toEqual([{ db: 'billing' }]);
      await expect(sql(b, 'orders', 'SELECT 1')).rejects.toThrow(/permission denied for database/);
    });

    test('idempotent: a re-run changes nothing, passwords included', async () => {
      const hashes = () => pg.asSuperuser('postgres', async c => (await c.query(
        "SELECT rolname, rolpassword FROM pg_authid WHERE rolname LIKE 'orders%' OR rolname LIKE 'migrator%' ORDER BY 1")).rows);
      // GIVEN: the group's users provisioned (beforeAll)
      const before = await hashes();
      // WHEN
      await run('Create', user('migrator', 'OWNER'));
      await run('Update', user('orders', 'READ_WRITE'), user('orders', 'READ_WRITE'));
      await run('Update', user('orders', 'READ_WRITE'), user('orders', 'READ_WRITE'));
      // THEN
      expect(await hashes()).toEqual(before);
      expect(await sql(current('orders'), 'orders', 'SELECT count(*)::int AS n FROM items')).toEqual([{ n: 1 }]);
      await expect(sql(current('orders'), 'orders', 'CREATE TABLE mine (id int)')).rejects.toThrow(DENIED);
    });

    test('no password in the log lines', async () => {
      // GIVEN
      logs.length = 0;
      // WHEN
      await run('Create', user('logged', 'READ_WRITE'));
      // THEN
      const passwords = [...secrets.values()].map(s => s.password as string);
      for (const line of logs) for (const p of passwords) expect(line).not.toContain(p);
      expect(logs).toContain('created role logged');
    });
  });

  describe('updates', () => {
    test('access READ_WRITE -> READ_ONLY -> OWNER -> READ_WRITE re-grants and takes back', async () => {
      // GIVEN
      await run('Create', user('shop', 'READ_WRITE', 'shop'));
      await run('Create', user('shopadmin', 'OWNER', 'shop'));
      await sql(current('shopadmin'), 'shop', 'CREATE TABLE carts (id int)');
      const s = current('shop');
      await sql(s, 'shop', 'INSERT INTO carts VALUES (1)');
      // WHEN
      await run('Update', user('shop', 'READ_ONLY', 'shop'), user('shop', 'READ_WRITE', 'shop'));
      // THEN
      await expect(sql(s, 'shop', 'INSERT INTO carts VALUES (2)')).rejects.toThrow(DENIED);
      expect(await sql(s, 'shop', 'SELECT count(*)::int AS n FROM carts')).toEqual([{ n: 1 }]);
      await sql(current('shopadmin'), 'shop', 'CREATE TABLE later (id int)');
      await expect(sql(s, 'shop', 'INSERT INTO later VALUES (1)')).rejects.toThrow(DENIED);

      // WHEN
      await run('Update', user('shop', 'OWNER', 'shop'), user('shop', 'READ_ONLY', 'shop'));
      // THEN
      await sql(s, 'shop', 'ALTER TABLE carts ADD COLUMN total int; DROP TABLE later');
      // WHEN
      await run('Update', user('shop', 'READ_WRITE', 'shop'), user('shop', 'OWNER', 'shop'));
      // THEN
      await expect(sql(s, 'shop', 'ALTER TABLE carts ADD COLUMN x int')).rejects.toThrow(DENIED);
      await sql(s, 'shop', 'INSERT INTO carts VALUES (3, 3)');
      expect(await sql(s, 'shop', 'SELECT current_user AS u')).toEqual([{ u: 'shop' }]);
    });

    test('schemas [public] -> [sales]: the old schema is taken back, the new one granted', async () => {
      // GIVEN
      await run('Create', user('crm', 'READ_ONLY', 'crm'));
      await run('Create', user('crmadmin', 'OWNER', 'crm', ['public', 'sales']));
      await sql(current('crmadmin'), 'crm', 'CREATE TABLE public.leads (id int); CREATE TABLE sales.deals (id int)');
      const c = current('crm');
      expect(await sql(c, 'crm', 'SELECT count(*)::int AS n FROM public.leads')).toEqual([{ n: 0 }]);
      await expect(sql(c, 'crm', 'SELECT * FROM sales.deals')).rejects.toThrow(DENIED);
      // WHEN
      await run('Update', user('crm', 'READ_ONLY', 'crm', ['sales']), user('crm', 'READ_ONLY', 'crm', ['public']));
      // THEN
      await expect(sql(c, 'crm', 'SELECT * FROM public.leads')).rejects.toThrow(DENIED);
      expect(await sql(c, 'crm', 'SELECT count(*)::int AS n FROM sales.deals')).toEqual([{ n: 0 }]);
    });

    test('databaseName changed: CONNECT moves to the new database', async () => {
      // GIVEN
      await run('Create', user('mover', 'READ_WRITE', 'movefrom'));
      // WHEN
      await run('Update', user('mover', 'READ_WRITE', 'moveto'), user('mover', 'READ_WRITE', 'movefrom'));
      // THEN
      await expect(sql(current('mover'), 'movefrom', 'SELECT 1')).rejects.toThrow(/permission denied for database/);
      expect(await sql(current('mover'), 'moveto', 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    });
  });

  describe('the master password changing under the provisioning (its own rotation)', () => {
    test('a refused master login is retried with the secret read again', async () => {
      // GIVEN
      const real = secrets.get(MASTER_ARN)!;
      let reads = 0;
      const waits: number[] = [];
      const rotating: ProvisionDeps = {
        ...deps,
        // The first read still has the old password; the rotation has finished by the second.
        getSecret: async (arn) => (arn === MASTER_ARN && reads++ === 0 ? { ...real, password: 'the-password-before-rotation' } : deps.getSecret(arn)),
        sleep: async (ms) => { waits.push(ms); },
      };
      const props = user('patient', 'READ_ONLY', 'orders');
      // WHEN
      await provision({ RequestType: 'Create', ResourceProperties: props }, rotating);
      // THEN
      expect(waits).toEqual([10_000]);
      expect(await sql(current('patient'), 'orders', 'SELECT current_user AS u')).toEqual([{ u: 'patient' }]);
    });

    test('a master password that stays wrong fails after six attempts', async () => {
      // GIVEN
      let reads = 0;
      const wrong: ProvisionDeps = {
        ...deps,
        getSecret: async (arn) => (arn === MASTER_ARN ? (reads++, { ...MASTER, password: 'wrong' }) : deps.getSecret(arn)),
        sleep: async () => undefined,
      };
      // WHEN / THEN
      await expect(provision({ RequestType: 'Create', ResourceProperties: user('never', 'READ_ONLY') }, wrong))
        .rejects.toThrow(/password authentication failed for user "rdsmaster"/);
      expect(reads).toBe(6);
    });
  });

  describe('delete', () => {
    const roleNames = (prefix: string) => pg.asSuperuser('postgres', async c =>
      (await c.query('SELECT rolname FROM pg_roles WHERE rolname LIKE $1 ORDER BY 1', [`${prefix}%`])).rows.map(r => r.rolname));

    test('RETAIN (the default) keeps the role and its rights; adding it again with a new secret repairs the password', async () => {
      // GIVEN
      await run('Create', user('kept', 'READ_WRITE', 'keep'));
      // WHEN
      await run('Delete', user('kept', 'READ_WRITE', 'keep'));
      // THEN
      expect(await roleNames('kept')).toEqual(['kept', 'kept_clone']);
      expect(await sql(current('kept'), 'keep', 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
      // WHEN: added again, with a new secret
      secrets.set(userArn('kept'), { ...secrets.get(userArn('kept')), password: 'a-new-secret-for-the-re-added-user' });
      await run('Create', user('kept', 'READ_WRITE', 'keep'));
      // THEN
      expect(await sql(current('kept'), 'keep', 'SELECT current_user AS u')).toEqual([{ u: 'kept' }]);
    });

    test('DESTROY drops the user and its clone, and keeps the owner role and its objects', async () => {
      // GIVEN
      await run('Create', user('gone', 'OWNER', 'dropme', ['public'], 'destroy'));
      await run('Create', user('goneread', 'READ_ONLY', 'dropme', ['public'], 'destroy'));
      await sql(current('gone'), 'dropme', 'CREATE TABLE t (id int)');
      // WHEN
      await run('Delete', user('gone', 'OWNER', 'dropme', ['public'], 'destroy'));
      await run('Delete', user('goneread', 'READ_ONLY', 'dropme', ['public'], 'destroy'));
      // THEN
      expect(await roleNames('gone')).toEqual([]);
      expect(await pg.asSuperuser('dropme', async c => (await c.query("SELECT tableowner FROM pg_tables WHERE tablename = 't'")).rows))
        .toEqual([{ tableowner: 'dropme_owner' }]);
      await run('Delete', user('gone', 'OWNER', 'dropme', ['public'], 'destroy')); // again: nothing left to drop
    });

    test('DESTROY fails clearly while the user owns objects', async () => {
      // GIVEN
      await run('Create', user('hoarder', 'OWNER', 'hoard', ['public'], 'destroy'));
      await sql(current('hoarder'), 'hoard', 'SET ROLE hoarder; CREATE TABLE mine (id int)');
      // WHEN / THEN
      await expect(run('Delete', user('hoarder', 'OWNER', 'hoard', ['public'], 'destroy')))
        .rejects.toThrow(/cannot drop user hoarder: hoarder owns 1 object\(s\) in hoard\. Dropping it would lose them\. Fix: REASSIGN OWNED BY hoarder/);
      expect(await roleNames('hoarder')).toEqual(['hoarder', 'hoarder_clone']);
    });
  });

  describe('hardening (issue 16)', () => {
    test('an object an OWNER login owns itself does not poison later runs: it goes to <db>_owner', async () => {
      // GIVEN
      await run('Create', user('poisoner', 'OWNER', 'poison'));
      await sql(current('poisoner'), 'poison', 'SET ROLE NONE; CREATE TABLE own_t (id int)');
      // WHEN
      await run('Create', user('poisonread', 'READ_ONLY', 'poison'));
      await run('Update', user('poisoner', 'READ_WRITE', 'poison'), user('poisoner', 'OWNER', 'poison'));
      // THEN
      expect(await pg.asSuperuser('poison', async c => (await c.query("SELECT tableowner FROM pg_tables WHERE tablename = 'own_t'")).rows))
        .toEqual([{ tableowner: 'poison_owner' }]);
      expect(await sql(current('poisonread'), 'poison', 'SELECT count(*)::int AS n FROM own_t')).toEqual([{ n: 0 }]);
    });

    test('OWNER -> READ_ONLY takes back what the OWNER planted on the clone and on PUBLIC', async () => {
      // GIVEN
      await run('Create', user('planter', 'OWNER', 'plant'));
      await sql(current('planter'), 'plant', 'CREATE TABLE t (id int); GRANT ALL ON t TO PUBLIC; GRANT ALL ON t TO planter_clone');
      // WHEN
      await run('Update', user('planter', 'READ_ONLY', 'plant'), user('planter', 'OWNER', 'plant'));
      // THEN
      await expect(sql(current('planter'), 'plant', 'INSERT INTO t VALUES (1)')).rejects.toThrow(DENIED);
      expect(await pg.asSuperuser('plant', async c => (await c.query(
        "SELECT has_table_privilege('planter_clone', 't', 'INSERT') AS clone, has_table_privilege('planter', 't', 'INSERT') AS u")).rows[0]))
        .toEqual({ clone: false, u: false });
    });

    test('an idle session in template1 does not block CREATE DATABASE (template0)', async () => {
      // GIVEN
      await run('Create', user('idler', 'READ_ONLY', 'idle'));
      const idle = await pg.asSuperuser('template1', async () => undefined).then(() => pg.connect('postgres', TestPostgres.SUPERUSER_PASSWORD, 'template1'));
      try {
        // WHEN
        await run('Create', user('afteridle', 'READ_ONLY', 'afteridle'));
      } finally {
        await idle.end();
      }
      // THEN
      expect(await sql(current('afteridle'), 'afteridle', 'SELECT current_database() AS d')).toEqual([{ d: 'afteridle' }]);
    });

    test('adopts nothing: an existing role with the user\'s name, or a LOGIN <db>_owner, is refused', async () => {
      // GIVEN
      await pg.asSuperuser('postgres', async (c) => {
        await c.query("CREATE ROLE teamlogin LOGIN PASSWORD 'the-team-s-own-password'");
        await c.query("CREATE ROLE shared_owner LOGIN PASSWORD 'another-team-s-password'");
      });
      // WHEN / THEN
      await expect(run('Create', user('teamlogin', 'READ_ONLY', 'orders')))
        .rejects.toThrow(/refusing to take over role teamlogin: it exists and was not created by this library .*adoptExistingRoles: true/);
      await expect(run('Create', user('sharer', 'OWNER', 'shared')))
        .rejects.toThrow(/refusing to take over role shared_owner: it is an existing LOGIN role/);
      // The team still logs in with its own password.
      expect(await sql({ username: 'teamlogin', password: 'the-team-s-own-password' }, 'postgres', 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    });

    test('adoptExistingRoles: the role loses what this library does not grant', async () => {
      // GIVEN
      await pg.asSuperuser('postgres', async (c) => {
        await c.query("CREATE ROLE adoptee LOGIN CREATEDB PASSWORD 'old-password-of-adoptee'");
        if (major >= 14) await c.query('GRANT pg_read_all_data TO adoptee');
        await c.query(`GRANT adoptee TO ${MASTER.username} WITH ADMIN OPTION`);
      });
      const adopt = () => run('Create', { ...user('adoptee', 'READ_ONLY', 'orders'), AdoptExistingRoles: 'true' });
      if (major >= 16) {
        // 16+: the master may revoke only grants it made: the superuser's grant stays, and the run says so.
        await expect(adopt()).rejects.toThrow(/role adoptee is a member of pg_read_all_data \(granted by postgres\), which this library does not grant/);
        await pg.asSuperuser('postgres', c => c.query('REVOKE pg_read_all_data FROM adoptee'));
      }
      // WHEN
      await adopt();
      // THEN
      const r = await pg.asSuperuser('postgres', async c => (await c.query(
        `SELECT rolcreatedb, (SELECT count(*)::int FROM pg_auth_members m WHERE m.member = r.oid) AS memberships
         FROM pg_roles r WHERE rolname = 'adoptee'`)).rows[0]);
      expect(r).toEqual({ rolcreatedb: false, memberships: 0 });
      expect(await sql(current('adoptee'), 'orders', 'SELECT current_user AS u')).toEqual([{ u: 'adoptee' }]);
    });

    test('DESTROY names the role that owns the objects (the clone)', async () => {
      // GIVEN
      await run('Create', user('cloneowns', 'OWNER', 'cloneowns', ['public'], 'destroy'));
      await pg.asSuperuser('cloneowns', c => c.query('CREATE TABLE by_clone (id int); ALTER TABLE by_clone OWNER TO cloneowns_clone'));
      // WHEN / THEN
      await expect(run('Delete', user('cloneowns', 'OWNER', 'cloneowns', ['public'], 'destroy')))
        .rejects.toThrow(/cannot drop user cloneowns: cloneowns_clone owns 1 object\(s\) in cloneowns\. .*REASSIGN OWNED BY cloneowns_clone TO/);
    });

    test('the clone dropped and recreated by AWS\'s rotation (without SET role): the next run heals it', async () => {
      // GIVEN
      await run('Create', user('healer', 'OWNER', 'heal'));
      await pg.asSuperuser('postgres', c => c.query('DROP ROLE healer_clone'));
      await rotate('healer'); // the clone-missing branch: CREATE ROLE healer_clone WITH LOGIN PASSWORD, GRANT healer TO healer_clone
      expect(current('healer').username).toBe('healer_clone');
      // WHEN
      await run('Update', user('healer', 'OWNER', 'heal'), user('healer', 'OWNER', 'heal'));
      // THEN
      await sql(current('healer'), 'heal', 'CREATE TABLE by_new_clone (id int)');
      expect(await sql(current('healer'), 'heal', "SELECT tableowner FROM pg_tables WHERE tablename = 'by_new_clone'"))
        .toEqual([{ tableowner: 'heal_owner' }]);
    });

    test('the server\'s DDL log holds no password the function set (SCRAM verifiers only)', async () => {
      // GIVEN / WHEN
      await run('Create', user('ddllogged', 'READ_ONLY'));
      // THEN
      const log = pg.serverLog();
      expect(log).toMatch(/CREATE ROLE \S+ LOGIN PASSWORD 'SCRAM-SHA-256\$4096:/);
      // Plain-text passwords in the log come from the test's setup and from AWS's rotation function (CREATE ROLE ...
      // WITH LOGIN PASSWORD / ALTER USER ... WITH PASSWORD, as it runs them); none from the provisioning function.
      const plain = log.split('\n').filter(l => /PASSWORD '(?!SCRAM-SHA-256\$)/.test(l));
      for (const line of plain) expect(line).toMatch(/WITH LOGIN PASSWORD|ALTER USER .* WITH PASSWORD|PASSWORD 'the-team|PASSWORD 'another-team|PASSWORD 'old-password|CREATE ROLE rdsmaster/);
    });
  });

  function rotate(username: string): Promise<void> {
    return rotateLikeAws(pg, secrets, userArn(username));
  }

  describe('multi-user rotation never breaks a running pod', () => {
    beforeAll(async () => {
      await run('Create', user('app', 'READ_WRITE', 'rot'));
      await run('Create', user('appread', 'READ_ONLY', 'rot'));
      await run('Create', user('appmigrate', 'OWNER', 'rot'));
      await sql(current('appmigrate'), 'rot', 'CREATE TABLE base (id int)');
    }, 60_000);

    test('two full cycles: the env from before each rotation connects until the next one', async () => {
      // GIVEN: the group's users provisioned (beforeAll)
      const envs: Creds[] = [current('app')];
      for (let i = 1; i <= 4; i++) {
        // WHEN
        await rotate('app');
        envs.push(current('app'));
        // THEN
        expect(envs[i].username).toBe(i % 2 === 1 ? 'app_clone' : 'app');
        // The pod started before this rotation still works, and has the same rights.
        await sql(envs[i - 1], 'rot', 'INSERT INTO base VALUES (1)');
        await sql(envs[i], 'rot', 'INSERT INTO base VALUES (2)');
        await expect(sql(envs[i], 'rot', 'CREATE TABLE nope (id int)')).rejects.toThrow(DENIED);
        // The one from two rotations back has been rotated out.
        if (i >= 2) await expect(sql(envs[i - 2], 'rot', 'SELECT 1')).rejects.toThrow(/password authentication failed/);
      }
    });

    test('an OWNER migration under the clone makes a table the original login alters and drops; the others use it', async () => {
      // GIVEN: the group's users provisioned (beforeAll), the OWNER rotated to its clone
      await rotate('appmigrate'); // now appmigrate_clone
      const asClone = current('appmigrate');
      expect(asClone.username).toBe('appmigrate_clone');
      // WHEN
      await sql(asClone, 'rot', 'CREATE TABLE made_by_clone (id serial PRIMARY KEY, v text)');
      // THEN
      expect(await sql(asClone, 'rot', "SELECT tableowner FROM pg_tables WHERE tablename = 'made_by_clone'")).toEqual([{ tableowner: 'rot_owner' }]);

      // READ_WRITE under both of its logins, READ_ONLY: default privileges apply to the clone's table.
      const rw = current('app');
      await sql(rw, 'rot', "INSERT INTO made_by_clone (v) VALUES ('from ' || current_user)");
      await rotate('app');
      await sql(current('app'), 'rot', "INSERT INTO made_by_clone (v) VALUES ('from ' || current_user)");
      expect(await sql(current('appread'), 'rot', 'SELECT v FROM made_by_clone ORDER BY id'))
        .toEqual([{ v: `from ${rw.username}` }, { v: `from ${current('app').username}` }]);

      await rotate('appmigrate'); // back to appmigrate
      const asOriginal = current('appmigrate');
      expect(asOriginal.username).toBe('appmigrate');
      await sql(asOriginal, 'rot', 'ALTER TABLE made_by_clone ADD COLUMN extra int');
      await sql(current('app'), 'rot', 'UPDATE made_by_clone SET extra = 1');
      await sql(asOriginal, 'rot', 'DROP TABLE made_by_clone');
    });

    test('a re-deploy after rotations changes no password (rotation owns them)', async () => {
      // GIVEN: the group's users provisioned (beforeAll) and rotated
      await rotate('app');
      const before = current('app');
      // WHEN
      await run('Update', user('app', 'READ_WRITE', 'rot'), user('app', 'READ_WRITE', 'rot'));
      // THEN
      expect(await sql(before, 'rot', 'SELECT current_user AS u')).toEqual([{ u: before.username }]);
    });
  });
});
