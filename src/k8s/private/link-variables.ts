import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { percentEncode, percentEncodePath } from './connection-url';
import { EnvNames, LINK_FIELDS, LinkField, validateEnvNames } from './env-names';
import { DatabaseAuthentication } from '../../database-authentication';
import { DatabaseLink } from '../../database-link';
import { throwPropError } from '../../private/errors';
import { ENV_NAME_RULE, isEnvName } from '../../private/names';
import { validateRenamedProp } from '../../private/renamed-props';
import { PostgresLink } from '../postgres-link';

/** The fields read from the link itself. */
type CredentialField = 'username' | 'password' | 'databaseName';

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

/** IAM database authentication requires TLS: libpq must not fall back to a plain connection. */
const IAM_SSL_MODES = ['require', 'verify-ca', 'verify-full'];

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

/** A link, validated, with its variables. */
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

/** Validates every link (module name, env names, libpq variables, no env var name twice) and works out its variables. */
export function resolveLinks(scope: IConstruct, links: PostgresLink[], tls: TlsOptions): ResolvedLink[] {
  if (!Array.isArray(links) || links.length === 0) {
    throwPropError(scope, {
      code: 'CHART_LINKS_EMPTY',
      prop: 'links',
      value: Array.isArray(links) ? [] : links,
      allowed: 'one or more links: [{ moduleName, database }]',
      fix: "give the database(s) the service uses, e.g. links: [{ moduleName: 'rds', database: DatabaseLink.fromCdkOutputs(outputs, 'OrdersDb', 'rds') }]",
    });
  }
  const resolved = links.map((link, index) => resolveLink(scope, link, index, tls));
  validateOneLibpqLink(scope, links);
  validateEnvNamesUnique(scope, resolved);
  return resolved;
}

function validateOneLibpqLink(scope: IConstruct, links: PostgresLink[]): void {
  const libpq = links.map((l, i) => (l.libpqVariables ? i : -1)).filter(i => i >= 0);
  if (libpq.length <= 1) return;
  throwPropError(scope, {
    code: 'CHART_LIBPQ_VARIABLES_TWICE',
    prop: `links[${libpq[1]}].libpqVariables`,
    value: true,
    allowed: `libpqVariables on at most one link of a chart: PGHOST, PGUSER, PGPASSWORD... name one database per container, and links[${libpq[0]}] already takes them`,
    fix: `drop libpqVariables from links[${libpq[1]}] (it keeps its <moduleName>_db_* variables and <moduleName>_db_url), or give it a chart of its own`,
  });
}

function validateEnvNamesUnique(scope: IConstruct, links: ResolvedLink[]): void {
  const seen = new Map<string, string>();
  for (const link of links) {
    for (const v of link.variables) {
      const where = `links[${link.index}] (moduleName '${link.moduleName}')`;
      const first = seen.get(v.envName);
      if (first !== undefined) {
        throwPropError(scope, {
          code: 'CHART_ENV_NAME_TAKEN',
          prop: `links[${link.index}]`,
          value: v.envName,
          allowed: `each environment variable name once per chart; ${first} already produces '${v.envName}'`,
          fix: `give ${where} another moduleName, or name its variables with envNames: { user, password, name, host, port, url }`,
        });
      }
      seen.set(v.envName, where);
    }
  }
}

/** Whether the link asks for its reader host: `includeReaderHost`, or the deprecated `readerHost`, not both. */
export function includesReaderHost(scope: IConstruct, at: string, link: PostgresLink): boolean {
  return validateRenamedProp(scope, {
    code: 'CHART_READER_HOST_AND_INCLUDE',
    prop: `${at}.includeReaderHost`,
    deprecatedProp: `${at}.readerHost`,
    value: link.includeReaderHost,
    deprecatedValue: link.readerHost,
  }) ?? false;
}

function resolveLink(scope: IConstruct, link: PostgresLink, index: number, tls: TlsOptions): ResolvedLink {
  const at = `links[${index}]`;
  validateLinkShape(scope, at, link);
  const { moduleName, database } = link;
  const names = validateEnvNames(scope, at, link);
  // An IAM link has no password: libpq and node-postgres read the token from PGPASSFILE (the refresher sidecar).
  const iam = database.authentication === DatabaseAuthentication.IAM;
  if (iam) validateIamSslMode(scope, at, tls.sslMode);
  const partsOf = fieldParts(database, tls);
  const variables: LinkVariable[] = LINK_FIELDS.filter(({ field }) => !(iam && field === 'password'))
    .map(({ field }) => ({ envName: names[field], field, parts: partsOf(field)! }));
  const readerHost = includesReaderHost(scope, at, link);
  if (readerHost) variables.push(readerHostVariable(scope, at, link, names, tls, partsOf));
  if (link.libpqVariables) variables.push(...libpqVariables(iam, partsOf));
  return { index, moduleName, database, variables, tokenFields: tokenFieldsOf(database, readerHost) };
}

/** A link is an object with a module name that makes valid env var names and a DatabaseLink. */
function validateLinkShape(scope: IConstruct, at: string, link: PostgresLink): void {
  if (!link || typeof link !== 'object') {
    throwPropError(scope, {
      code: 'CHART_LINK_NOT_AN_OBJECT',
      prop: at,
      value: String(link),
      allowed: '{ moduleName, database, envNames?, libpqVariables?, includeReaderHost? }',
      fix: 'give a link object',
    });
  }
  if (!isEnvName(link.moduleName)) {
    throwPropError(scope, {
      code: 'CHART_MODULE_NAME_INVALID',
      prop: `${at}.moduleName`,
      value: link.moduleName,
      allowed: `a prefix that makes valid environment variable names <moduleName>_db_user etc.: ${ENV_NAME_RULE}`,
      fix: "use the database's module name as Opta did, e.g. 'rds' or 'ordersDb' (letters, digits, _)",
    });
  }
  if (!(link.database instanceof DatabaseLink)) {
    throwPropError(scope, {
      code: 'CHART_LINK_DATABASE_INVALID',
      prop: `${at}.database`,
      value: link.database === undefined ? undefined : typeof link.database,
      allowed: 'a DatabaseLink',
      fix: 'pass AuroraPostgres.link, DatabaseLink.fromCdkOutputs(...) or DatabaseLink.fromValues(...)',
    });
  }
}

/** The value pieces of each field of a link (undefined for a field the link has no value for). */
function fieldParts(database: DatabaseLink, tls: TlsOptions): (field: LinkField) => ValuePart[] | undefined {
  const iam = database.authentication === DatabaseAuthentication.IAM;
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
  return (field) => {
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
}

/** The reader host variable, refused for a database without one, or whose reader host verify-full cannot check. */
function readerHostVariable(scope: IConstruct, at: string, link: PostgresLink, names: EnvNames, tls: TlsOptions,
  partsOf: (field: LinkField) => ValuePart[] | undefined): LinkVariable {
  const prop = link.includeReaderHost !== undefined ? 'includeReaderHost' : 'readerHost';
  const reader = link.database.readerHost;
  if (reader === undefined) {
    throwPropError(scope, {
      code: 'CHART_READER_HOST_UNAVAILABLE',
      prop: `${at}.${prop}`,
      value: true,
      allowed: 'only for a database with a reader endpoint (DatabaseLink.readerHost); this link has none: a database behind an RDS Proxy with a single instance (no read-only proxy endpoint), an outputs file without <moduleName>DbReaderHost (from before it existed), or DatabaseLink.fromValues without readerHost',
      fix: `add a reader (instances: 2 or multiAz: true) and deploy again, read the link from a fresh outputs file, or give readerHost to DatabaseLink.fromValues; otherwise drop ${prop} from the link`,
    });
  }
  if (tls.sslMode === 'verify-full' && !Token.isUnresolved(reader) && PROXY_CUSTOM_ENDPOINT.test(reader)) {
    throwPropError(scope, {
      code: 'CHART_READER_HOST_PROXY_ENDPOINT',
      prop: `${at}.database.readerHost`,
      value: reader,
      allowed: "with sslMode verify-full, a reader host whose certificate names it: an RDS Proxy endpoint you create (<name>.endpoint.proxy-...) is served with the proxy's certificate, which names only its default endpoint (*.proxy-...), so verify-full fails there (AWS's RDS Proxy documentation)",
      fix: 'deploy the database again and read a fresh outputs file (AuroraPostgres now gives the cluster\'s reader endpoint as the reader host behind a proxy), or give DatabaseLink.fromValues the cluster\'s reader endpoint as readerHost',
    });
  }
  return { envName: names.readerHost, field: 'readerHost', parts: partsOf('readerHost')! };
}

function libpqVariables(iam: boolean, partsOf: (field: LinkField) => ValuePart[] | undefined): LinkVariable[] {
  const variables: LinkVariable[] = [];
  for (const [envName, field] of LIBPQ) {
    if (iam && field === 'password') continue;
    const parts = partsOf(field);
    if (parts !== undefined) variables.push({ envName, field, parts });
  }
  return variables;
}

/** The link's values that are unresolved CDK tokens (the reader host only when the link gives it). */
function tokenFieldsOf(database: DatabaseLink, readerHost: boolean): string[] {
  const values: Record<string, string | undefined> = {
    host: database.host,
    readerHost: readerHost ? database.readerHost : undefined,
    port: database.port,
    databaseName: database.databaseName,
    username: database.username,
    password: database.password,
    secretArn: database.secretArn,
  };
  return Object.keys(values).filter(k => values[k] !== undefined && Token.isUnresolved(values[k]));
}

function validateIamSslMode(scope: IConstruct, at: string, sslMode: string): void {
  if (IAM_SSL_MODES.includes(sslMode)) return;
  throwPropError(scope, {
    code: 'CHART_IAM_SSL_MODE',
    prop: 'sslMode',
    value: sslMode,
    allowed: `require, verify-ca or verify-full with an IAM link (${at}): RDS accepts IAM tokens over TLS only, and a token sent in clear text could be replayed for up to 15 minutes`,
    fix: 'use sslMode: SslMode.VERIFY_FULL (the default)',
  });
}
