import * as path from 'path';
import { Client } from 'pg';
import { tempDir } from '../util';
import { RunningPostgres, startPostgres } from './postgres-process';
import { TestCa, makeCa, makeServerCert } from './test-ca';

/** A TLS-only PostgreSQL (hostssl lines only) whose certificate chains to `ca`, and a second CA it does not. */
export interface TlsPostgres {
  readonly dir: string;
  readonly ca: TestCa;
  readonly otherCa: TestCa;
  readonly server: RunningPostgres;
}

/** What the server is set up with: the admin's password, and one login role owning one database. */
export interface TlsPostgresSetup {
  readonly adminPassword: string;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/** Starts a TLS-only PostgreSQL for `localhost`, 127.0.0.1 and ::1, with a user owning a database. */
export async function startTlsPostgres(name: string, setup: TlsPostgresSetup): Promise<TlsPostgres> {
  const dir = tempDir(name);
  const ca = makeCa(path.join(dir, 'ca'), 'test-ca');
  const otherCa = makeCa(path.join(dir, 'other'), 'other-ca');
  const cert = makeServerCert(ca, path.join(dir, 'ca'), { dns: ['localhost'], ips: ['127.0.0.1', '::1'] });
  const server = await startPostgres(setup.adminPassword, {
    ...cert,
    hba: 'hostssl all all 127.0.0.1/32 scram-sha-256\nhostssl all all ::1/128 scram-sha-256\n',
  });
  const admin = new Client({ host: 'localhost', port: server.port, user: 'postgres', password: setup.adminPassword, database: 'postgres', ssl: { ca: ca.certPem } });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${admin.escapeIdentifier(setup.user)} LOGIN PASSWORD ${admin.escapeLiteral(setup.password)}`);
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(setup.database)} OWNER ${admin.escapeIdentifier(setup.user)}`);
  } finally {
    await admin.end();
  }
  return { dir, ca, otherCa, server };
}
