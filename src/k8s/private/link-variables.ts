import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DatabaseLink } from '../../database-link';
import { throwPropError } from '../../private/errors';
import { PostgresLink, PostgresLinkRename } from '../postgres-link';
import { ENV_NAME_RULE, isEnvName } from './names';

/** A value of a link that becomes one environment variable. */
export type LinkField = 'username' | 'password' | 'databaseName' | 'host' | 'port';

interface FieldSpec {
  readonly field: LinkField;
  /** Opta's env var suffix: `<moduleName>_<suffix>`. */
  readonly suffix: string;
  readonly renameKey: keyof PostgresLinkRename;
  /** Whether a rename must give it (Opta's four fields). */
  readonly renameRequired: boolean;
}

/** Opta's four fields in Opta's order, then the port. */
const FIELDS: readonly FieldSpec[] = [
  { field: 'username', suffix: 'db_user', renameKey: 'dbUser', renameRequired: true },
  { field: 'password', suffix: 'db_password', renameKey: 'dbPassword', renameRequired: true },
  { field: 'databaseName', suffix: 'db_name', renameKey: 'dbName', renameRequired: true },
  { field: 'host', suffix: 'db_host', renameKey: 'dbHost', renameRequired: true },
  { field: 'port', suffix: 'db_port', renameKey: 'dbPort', renameRequired: false },
];

const RENAME_KEYS = FIELDS.map(f => f.renameKey as string);
const REQUIRED_RENAME_KEYS = FIELDS.filter(f => f.renameRequired).map(f => f.renameKey as string);

/** The values that stand for credentials nobody knows here; they pass through as these strings. */
export const PLACEHOLDERS: readonly string[] = [DatabaseLink.UNKNOWN_SEE_ORIGINAL_DB, DatabaseLink.UNKNOWN_SEE_PRIMARY_DB];

/** One environment variable of a link. */
export interface LinkVariable {
  readonly envName: string;
  readonly field: LinkField;
  /** The value as it is written (host, port, a given credential or a placeholder); undefined when read from the secret. */
  readonly literal?: string;
  /** The JSON key of the credentials secret the value is read from, when it is. */
  readonly secretProperty?: string;
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

/** Checks every link (module name, rename, no env var name twice) and works out its variables. */
export function resolveLinks(scope: IConstruct, links: PostgresLink[]): ResolvedLink[] {
  if (!Array.isArray(links) || links.length === 0) {
    throwPropError(scope, {
      prop: 'links',
      value: Array.isArray(links) ? [] : String(links),
      allowed: 'one or more links: [{ moduleName, database }]',
      fix: "give the database(s) the service uses, e.g. links: [{ moduleName: 'rds', database: DatabaseLink.fromCdkOutputs(outputs, 'OrdersDb', 'rds') }]",
    });
  }
  const resolved = links.map((link, index) => resolveLink(scope, link, index));

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
          fix: `give ${where} another moduleName, or rename its variables with rename: { dbUser, dbPassword, dbName, dbHost, dbPort }`,
        });
      }
      seen.set(v.envName, where);
    }
  }
  return resolved;
}

function resolveLink(scope: IConstruct, link: PostgresLink, index: number): ResolvedLink {
  const at = `links[${index}]`;
  if (!link || typeof link !== 'object') {
    throwPropError(scope, {
      prop: at, value: String(link), allowed: '{ moduleName, database, rename? }', fix: 'give a link object',
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
  const variables: LinkVariable[] = FIELDS.map(({ field }) => {
    const envName = names[field];
    if (field === 'host' || field === 'port') return { envName, field, literal: database[field] };
    const property = database.secretKeyOf(field);
    return property === undefined
      ? { envName, field, literal: database[field] }
      : { envName, field, secretProperty: property };
  });
  const values: Record<string, string | undefined> = {
    host: database.host,
    port: database.port,
    databaseName: database.databaseName,
    username: database.username,
    password: database.password,
    secretArn: database.secretArn,
  };
  const tokenFields = Object.keys(values).filter(k => values[k] !== undefined && Token.isUnresolved(values[k]));
  return { index, moduleName, database, variables, tokenFields };
}

function envNames(scope: IConstruct, at: string, moduleName: string, rename: PostgresLinkRename | undefined): Record<LinkField, string> {
  if (rename === undefined) {
    return Object.fromEntries(FIELDS.map(f => [f.field, `${moduleName}_${f.suffix}`])) as Record<LinkField, string>;
  }
  if (rename === null || typeof rename !== 'object') {
    throwPropError(scope, {
      prop: `${at}.rename`, value: String(rename), allowed: '{ dbUser, dbPassword, dbName, dbHost, dbPort? }', fix: 'give an object, or drop rename',
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
      allowed: `To rename db variables you must provide aliases for these fields: ${REQUIRED_RENAME_KEYS.join(', ')} (dbPort is optional); missing: ${missing.join(', ')}`,
      fix: `add ${missing.map(k => `${k}: '<NAME>'`).join(', ')} to the rename, or drop rename to keep the names ${moduleName}_db_*`,
    });
  }
  const names = {} as Record<LinkField, string>;
  for (const f of FIELDS) {
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
