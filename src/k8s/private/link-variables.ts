import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DatabaseAuthentication } from '../../database-authentication';
import { DatabaseLink } from '../../database-link';
import { throwPropError } from '../../private/errors';
import { PostgresLink, PostgresLinkRename } from '../postgres-link';
import { percentEncode, percentEncodePath } from './connection-url';
import { ENV_NAME_RULE, isEnvName } from '../../private/names';

/** A value of a link that becomes one environment variable. */
export type LinkField = 'username' | 'password' | 'databaseName' | 'host' | 'port' | 'url' | 'jdbcUrl' | 'sslMode' | 'sslRootCert' | 'readerHost';

/** The fields read from the link itself. */
type CredentialField = 'username' | 'password' | 'databaseName';

interface FieldSpec {
  readonly field: LinkField;
  /** Opta's env var suffix: `<moduleName>_<suffix>`. */
  readonly suffix: string;
  readonly renameKey: keyof PostgresLinkRename;
  /** Whether a rename must give it (Opta's four fields). */
  readonly renameRequired: boolean;
}

/** Opta's four fields in Opta's order, then the port, the connection URL and the JDBC URL. */
const FIELDS: readonly FieldSpec[] = [
  { field: 'username', suffix: 'db_user', renameKey: 'dbUser', renameRequired: true },
  { field: 'password', suffix: 'db_password', renameKey: 'dbPassword', renameRequired: true },
  { field: 'databaseName', suffix: 'db_name', renameKey: 'dbName', renameRequired: true },
  { field: 'host', suffix: 'db_host', renameKey: 'dbHost', renameRequired: true },
  { field: 'port', suffix: 'db_port', renameKey: 'dbPort', renameRequired: false },
  { field: 'url', suffix: 'db_url', renameKey: 'dbUrl', renameRequired: false },
  { field: 'jdbcUrl', suffix: 'db_jdbc_url', renameKey: 'dbJdbcUrl', renameRequired: false },
];

/** libpq's own variables (`libpqVariables: true`); PGSSLROOTCERT only when the chart has a CA bundle. */
const LIBPQ: ReadonlyArray<readonly [string, LinkField]> = [
  ['PGHOST', 'host'],
  ['PGPORT', 'port'],
  ['PGUSER', 'username'],
  ['PGPASSWORD', 'password'],
  ['PGDATABASE', 'databaseName'],
  ['PGSSLMODE', 'sslMode'],
  ['PGSSLROOTCERT', 'sslRootCert'],
];

/** The host name of an RDS Proxy endpoint you create (not the proxy's default endpoint). */
const PROXY_CUSTOM_ENDPOINT = /\.endpoint\.proxy-[a-z0-9]+\.[a-z0-9-]+\.rds\.amazonaws\.com(\.cn)?\.?$/i;

/** The reader host (`readerHost: true` only): not one of every link's variables. */
const READER_HOST_SUFFIX = 'db_reader_host';
const READER_HOST_RENAME_KEY = 'dbReaderHost';

const RENAME_KEYS = [...FIELDS.map(f => f.renameKey as string), READER_HOST_RENAME_KEY];
const REQUIRED_RENAME_KEYS = FIELDS.filter(f => f.renameRequired).map(f => f.renameKey as string);
const OPTIONAL_RENAME_KEYS = [...FIELDS.filter(f => !f.renameRequired).map(f => f.renameKey as string), READER_HOST_RENAME_KEY];

/** The values that stand for credentials nobody knows here; they pass through as these strings. */
export const PLACEHOLDERS: readonly string[] = [DatabaseLink.UNKNOWN_SEE_ORIGINAL_DB, DatabaseLink.UNKNOWN_SEE_PRIMARY_DB];

/**
 * One piece of a variable's value: a literal, or a value read from the credentials secret (`secretProperty` is
 * its JSON key), percent-encoded when it goes into the connection URL.
 */
export type ValuePart = LiteralPart | { readonly secretProperty: string; readonly urlEncoded: boolean };

/** A literal piece; a CDK token is a piece of its own, percent-encoded once resolved when `encodeWhenResolved`. */
export interface LiteralPart {
  readonly literal: string;
  readonly encodeWhenResolved?: boolean;
}

/** Resolves a CDK token to its value (cdk8s App resolvers), naming the variable in its errors. */
export type TokenResolver = (token: string, envName: string) => string;

/** A literal piece as written: a token resolved (and encoded) when a resolver is given. */
export function renderLiteral(part: LiteralPart, envName: string, resolve?: TokenResolver): string {
  if (resolve === undefined || !Token.isUnresolved(part.literal)) return part.literal;
  const value = resolve(part.literal, envName);
  return part.encodeWhenResolved ? percentEncode(value) : value;
}

/** One environment variable of a link. */
export interface LinkVariable {
  readonly envName: string;
  readonly field: LinkField;
  /** The value, in pieces (one for every variable but the URL). */
  readonly parts: ValuePart[];
}

/** The value when every piece is a literal (host, port, a given credential, a placeholder, a URL without secrets). */
export function literalOf(variable: LinkVariable, resolve?: TokenResolver): string | undefined {
  let value = '';
  for (const part of variable.parts) {
    if (!('literal' in part)) return undefined;
    value += renderLiteral(part, variable.envName, resolve);
  }
  return value;
}

/** Whether a variable holds a CDK token. */
export function hasToken(variable: LinkVariable): boolean {
  return variable.parts.some(p => 'literal' in p && Token.isUnresolved(p.literal));
}

/** The secret's JSON keys a variable reads. */
export function secretPropertiesOf(variable: LinkVariable): string[] {
  return variable.parts.flatMap(p => ('secretProperty' in p ? [p.secretProperty] : []));
}

/** A link, checked, with its variables. */
export interface ResolvedLink {
  readonly index: number;
  readonly moduleName: string;
  readonly database: DatabaseLink;
  readonly variables: LinkVariable[];
  /** The link's values that are unresolved CDK tokens. */
  readonly tokenFields: string[];
}

/** How the links connect: libpq's sslmode, and the CA bundle file in the container (verifying modes only). */
export interface TlsOptions {
  readonly sslMode: string;
  readonly caBundlePath?: string;
}

/** Checks every link (module name, rename, libpq variables, no env var name twice) and works out its variables. */
export function resolveLinks(scope: IConstruct, links: PostgresLink[], tls: TlsOptions): ResolvedLink[] {
  if (!Array.isArray(links) || links.length === 0) {
    throwPropError(scope, {
      prop: 'links',
      value: Array.isArray(links) ? [] : String(links),
      allowed: 'one or more links: [{ moduleName, database }]',
      fix: "give the database(s) the service uses, e.g. links: [{ moduleName: 'rds', database: DatabaseLink.fromCdkOutputs(outputs, 'OrdersDb', 'rds') }]",
    });
  }
  const resolved = links.map((link, index) => resolveLink(scope, link, index, tls));

  const libpq = links.map((l, i) => (l && l.libpqVariables ? i : -1)).filter(i => i >= 0);
  if (libpq.length > 1) {
    throwPropError(scope, {
      prop: `links[${libpq[1]}].libpqVariables`,
      value: true,
      allowed: `libpqVariables on at most one link of a chart: PGHOST, PGUSER, PGPASSWORD... name one database per container, and links[${libpq[0]}] already takes them`,
      fix: `drop libpqVariables from links[${libpq[1]}] (it keeps its <moduleName>_db_* variables and <moduleName>_db_url), or give it a chart of its own`,
    });
  }

  const seen = new Map<string, string>();
  for (const link of resolved) {
    for (const v of link.variables) {
      const where = `links[${link.index}] (moduleName '${link.moduleName}')`;
      const first = seen.get(v.envName);
      if (first !== undefined) {
        throwPropError(scope, {
          prop: `links[${link.index}]`,
          value: v.envName,
          allowed: `each environment variable name once per chart; ${first} already produces '${v.envName}'`,
          fix: `give ${where} another moduleName, or rename its variables with rename: { dbUser, dbPassword, dbName, dbHost, dbPort, dbUrl }`,
        });
      }
      seen.set(v.envName, where);
    }
  }
  return resolved;
}

function resolveLink(scope: IConstruct, link: PostgresLink, index: number, tls: TlsOptions): ResolvedLink {
  const at = `links[${index}]`;
  if (!link || typeof link !== 'object') {
    throwPropError(scope, {
      prop: at, value: String(link), allowed: '{ moduleName, database, rename?, libpqVariables?, readerHost? }', fix: 'give a link object',
    });
  }
  const { moduleName, database, rename } = link;
  if (!isEnvName(moduleName)) {
    throwPropError(scope, {
      prop: `${at}.moduleName`,
      value: moduleName === undefined ? 'undefined' : moduleName,
      allowed: `a prefix that makes valid environment variable names <moduleName>_db_user etc.: ${ENV_NAME_RULE}`,
      fix: "use the database's module name as Opta did, e.g. 'rds' or 'ordersDb' (letters, digits, _)",
    });
  }
  if (!(database instanceof DatabaseLink)) {
    throwPropError(scope, {
      prop: `${at}.database`,
      value: database === undefined ? 'undefined' : typeof database,
      allowed: 'a DatabaseLink',
      fix: 'pass AuroraPostgres.link, DatabaseLink.fromCdkOutputs(...) or DatabaseLink.fromValues(...)',
    });
  }
  const names = envNames(scope, at, moduleName, rename);
  // An IAM link has no password: libpq and node-postgres read the token from PGPASSFILE (the refresher sidecar).
  const iam = database.authentication === DatabaseAuthentication.IAM;
  if (iam) checkIamSslMode(scope, at, tls.sslMode);

  const credential = (field: CredentialField, urlEncoded: boolean): ValuePart => {
    const property = database.secretKeyOf(field);
    if (property !== undefined) return { secretProperty: property, urlEncoded };
    const value = database[field]!;
    if (!Token.isUnresolved(value)) return { literal: urlEncoded ? percentEncode(value) : value };
    // A CDK token: encoded once a cdk8s resolver resolves it; CloudFormation (deployThroughEks) writes it as it
    // is, which is safe for what RDS allows in a user or database name (letters, digits, _).
    return { literal: value, encodeWhenResolved: urlEncoded };
  };
  const host = database.host.includes(':') && !Token.isUnresolved(database.host) ? `[${database.host}]` : database.host;
  const query = `?sslmode=${tls.sslMode}${tls.caBundlePath !== undefined ? `&sslrootcert=${percentEncodePath(tls.caBundlePath)}` : ''}`;
  // Each value that may be a CDK token is a piece of its own, so that a resolver sees the token alone.
  const url: ValuePart[] = [
    { literal: 'postgresql://' }, credential('username', true),
    ...iam ? [] : [{ literal: ':' }, credential('password', true)],
    { literal: '@' }, { literal: host }, { literal: ':' }, { literal: database.port }, { literal: '/' },
    credential('databaseName', true), { literal: query },
  ];
  // pgjdbc: no credentials in the URL (a DataSource takes user and password apart); it percent-decodes the
  // database name and the query values, and reads a PEM bundle of several roots as sslrootcert.
  const jdbcUrl: ValuePart[] = [
    { literal: 'jdbc:postgresql://' }, { literal: host }, { literal: ':' }, { literal: database.port }, { literal: '/' },
    credential('databaseName', true), { literal: query },
  ];
  const partsOf = (field: LinkField): ValuePart[] | undefined => {
    switch (field) {
      case 'username': case 'password': case 'databaseName': return [credential(field, false)];
      case 'host': return [{ literal: database.host }];
      case 'port': return [{ literal: database.port }];
      case 'url': return url;
      case 'jdbcUrl': return jdbcUrl;
      case 'sslMode': return [{ literal: tls.sslMode }];
      case 'sslRootCert': return tls.caBundlePath === undefined ? undefined : [{ literal: tls.caBundlePath }];
      case 'readerHost': return database.readerHost === undefined ? undefined : [{ literal: database.readerHost }];
    }
  };
  const variables: LinkVariable[] = FIELDS.filter(({ field }) => !(iam && field === 'password'))
    .map(({ field }) => ({ envName: names[field], field, parts: partsOf(field)! }));
  if (link.readerHost) {
    if (database.readerHost === undefined) {
      throwPropError(scope, {
        prop: `${at}.readerHost`,
        value: true,
        allowed: 'only for a database with a reader endpoint (DatabaseLink.readerHost); this link has none: a database behind an RDS Proxy with a single instance (no read-only proxy endpoint), an outputs file without <moduleName>DbReaderHost (from before it existed), or DatabaseLink.fromValues without readerHost',
        fix: 'add a reader (instances: 2 or multiAz: true) and deploy again, read the link from a fresh outputs file, or give readerHost to DatabaseLink.fromValues; otherwise drop readerHost from the link',
      });
    }
    const reader = database.readerHost!;
    if (tls.sslMode === 'verify-full' && !Token.isUnresolved(reader) && PROXY_CUSTOM_ENDPOINT.test(reader)) {
      throwPropError(scope, {
        prop: `${at}.database.readerHost`,
        value: reader,
        allowed: "with sslMode verify-full, a reader host whose certificate names it: an RDS Proxy endpoint you create (<name>.endpoint.proxy-...) is served with the proxy's certificate, which names only its default endpoint (*.proxy-...), so verify-full fails there (AWS's RDS Proxy documentation)",
        fix: 'deploy the database again and read a fresh outputs file (AuroraPostgres now gives the cluster\'s reader endpoint as the reader host behind a proxy), or give DatabaseLink.fromValues the cluster\'s reader endpoint as readerHost',
      });
    }
    variables.push({ envName: names.readerHost, field: 'readerHost', parts: partsOf('readerHost')! });
  }
  if (link.libpqVariables) {
    for (const [envName, field] of LIBPQ) {
      if (iam && field === 'password') continue;
      const parts = partsOf(field);
      if (parts !== undefined) variables.push({ envName, field, parts });
    }
  }
  const values: Record<string, string | undefined> = {
    host: database.host,
    readerHost: link.readerHost ? database.readerHost : undefined,
    port: database.port,
    databaseName: database.databaseName,
    username: database.username,
    password: database.password,
    secretArn: database.secretArn,
  };
  const tokenFields = Object.keys(values).filter(k => values[k] !== undefined && Token.isUnresolved(values[k]));
  return { index, moduleName, database, variables, tokenFields };
}

/** IAM database authentication requires TLS: libpq must not fall back to a plain connection. */
const IAM_SSL_MODES = ['require', 'verify-ca', 'verify-full'];

function checkIamSslMode(scope: IConstruct, at: string, sslMode: string): void {
  if (IAM_SSL_MODES.includes(sslMode)) return;
  throwPropError(scope, {
    prop: 'sslMode',
    value: sslMode,
    allowed: `require, verify-ca or verify-full with an IAM link (${at}): RDS accepts IAM tokens over TLS only, and a token sent in clear text could be replayed for up to 15 minutes`,
    fix: 'use sslMode: SslMode.VERIFY_FULL (the default)',
  });
}

function envNames(scope: IConstruct, at: string, moduleName: string, rename: PostgresLinkRename | undefined): Record<LinkField, string> {
  const readerHost = `${moduleName}_${READER_HOST_SUFFIX}`;
  if (rename === undefined) {
    return { ...Object.fromEntries(FIELDS.map(f => [f.field, `${moduleName}_${f.suffix}`])), readerHost } as Record<LinkField, string>;
  }
  if (rename === null || typeof rename !== 'object') {
    throwPropError(scope, {
      prop: `${at}.rename`, value: String(rename), allowed: '{ dbUser, dbPassword, dbName, dbHost, dbPort?, dbUrl? }', fix: 'give an object, or drop rename',
    });
  }
  const given = rename as Record<string, unknown>;
  const unknown = Object.keys(given).filter(k => given[k] !== undefined && !RENAME_KEYS.includes(k));
  if (unknown.length > 0) {
    throwPropError(scope, {
      prop: `${at}.rename`,
      value: given,
      allowed: `the keys ${RENAME_KEYS.join(', ')}; unknown: ${unknown.join(', ')}`,
      fix: 'use the camelCase keys (dbUser, not db_user)',
    });
  }
  const missing = REQUIRED_RENAME_KEYS.filter(k => given[k] === undefined);
  if (missing.length > 0) {
    throwPropError(scope, {
      prop: `${at}.rename`,
      value: given,
      allowed: `To rename db variables you must provide aliases for these fields: ${REQUIRED_RENAME_KEYS.join(', ')} (${OPTIONAL_RENAME_KEYS.slice(0, -1).join(', ')} and ${OPTIONAL_RENAME_KEYS[OPTIONAL_RENAME_KEYS.length - 1]} are optional); missing: ${missing.join(', ')}`,
      fix: `add ${missing.map(k => `${k}: '<NAME>'`).join(', ')} to the rename, or drop rename to keep the names ${moduleName}_db_*`,
    });
  }
  const names = {} as Record<LinkField, string>;
  const specs: Array<{ field: LinkField; suffix: string; renameKey: string }> = [
    ...FIELDS, { field: 'readerHost', suffix: READER_HOST_SUFFIX, renameKey: READER_HOST_RENAME_KEY },
  ];
  for (const f of specs) {
    const name = given[f.renameKey];
    if (name === undefined) {
      names[f.field] = `${moduleName}_${f.suffix}`;
    } else if (!isEnvName(name)) {
      throwPropError(scope, {
        prop: `${at}.rename.${f.renameKey}`,
        value: typeof name === 'string' ? name : String(name),
        allowed: ENV_NAME_RULE,
        fix: "use letters, digits and _ only, not starting with a digit, e.g. 'DB_USER'",
      });
    } else {
      names[f.field] = name;
    }
  }
  return names;
}
