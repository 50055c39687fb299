import { IConstruct } from 'constructs';
import { throwPropError } from '../../private/errors';
import { ENV_NAME_RULE, isEnvName } from '../../private/names';
import { validateRenamedProp } from '../../private/renamed-props';
import { PostgresLink } from '../postgres-link';

/** A value of a link that becomes one environment variable. */
export type LinkField = 'username' | 'password' | 'databaseName' | 'host' | 'port' | 'url' | 'jdbcUrl' | 'sslMode' | 'sslRootCert' | 'readerHost';

/** One variable a link may give under a name of its own: Opta's suffix and its keys in `envNames` and `rename`. */
export interface NamedField {
  readonly field: LinkField;
  /** Opta's env var suffix: `<moduleName>_<suffix>`. */
  readonly suffix: string;
  /** Its key in `PostgresLinkEnvNames`. */
  readonly envNamesKey: string;
  /** Its key in the deprecated `PostgresLinkRename`. */
  readonly renameKey: string;
  /** Whether a names map must give it (Opta's four fields). */
  readonly required: boolean;
}

/** Opta's four fields in Opta's order, then the port, the connection URL and the JDBC URL: every link's variables. */
export const LINK_FIELDS: readonly NamedField[] = [
  { field: 'username', suffix: 'db_user', envNamesKey: 'user', renameKey: 'dbUser', required: true },
  { field: 'password', suffix: 'db_password', envNamesKey: 'password', renameKey: 'dbPassword', required: true },
  { field: 'databaseName', suffix: 'db_name', envNamesKey: 'name', renameKey: 'dbName', required: true },
  { field: 'host', suffix: 'db_host', envNamesKey: 'host', renameKey: 'dbHost', required: true },
  { field: 'port', suffix: 'db_port', envNamesKey: 'port', renameKey: 'dbPort', required: false },
  { field: 'url', suffix: 'db_url', envNamesKey: 'url', renameKey: 'dbUrl', required: false },
  { field: 'jdbcUrl', suffix: 'db_jdbc_url', envNamesKey: 'jdbcUrl', renameKey: 'dbJdbcUrl', required: false },
];

/**
 * The env var suffix of the reader host (`includeReaderHost: true` only: not one of every link's variables). Not
 * output-keys' `READER_HOST_SUFFIX` (`DbReaderHost`, a CloudFormation output key).
 */
export const READER_HOST_ENV_SUFFIX = 'db_reader_host';

const READER_HOST: NamedField = { field: 'readerHost', suffix: READER_HOST_ENV_SUFFIX, envNamesKey: 'readerHost', renameKey: 'dbReaderHost', required: false };
const NAMED_FIELDS: readonly NamedField[] = [...LINK_FIELDS, READER_HOST];

/** The env var names of a link's fields. */
export type EnvNames = Record<LinkField, string>;

/** Which names map a link gives: `envNames` (its keys `user`...) or the deprecated `rename` (its keys `dbUser`...). */
interface NamesMap {
  readonly prop: 'envNames' | 'rename';
  readonly given: unknown;
  readonly keyOf: (f: NamedField) => string;
}

/**
 * The env var names of a link: Opta's `<moduleName>_db_*`, or those of its `envNames` (or deprecated `rename`),
 * validated (an object with known keys, Opta's four given, each a valid env var name; not both props).
 */
export function validateEnvNames(scope: IConstruct, at: string, link: PostgresLink): EnvNames {
  const map = namesMapOf(scope, at, link);
  const defaults = Object.fromEntries(NAMED_FIELDS.map(f => [f.field, `${link.moduleName}_${f.suffix}`])) as EnvNames;
  if (map === undefined) return defaults;
  const given = validateNamesMapShape(scope, at, link.moduleName, map);
  const names = { ...defaults };
  for (const f of NAMED_FIELDS) {
    const name = given[map.keyOf(f)];
    if (name === undefined) continue;
    if (!isEnvName(name)) {
      throwPropError(scope, {
        code: 'CHART_ENV_NAME_INVALID',
        prop: `${at}.${map.prop}.${map.keyOf(f)}`,
        value: typeof name === 'string' ? name : String(name),
        allowed: ENV_NAME_RULE,
        fix: "use letters, digits and _ only, not starting with a digit, e.g. 'DB_USER'",
      });
    }
    names[f.field] = name;
  }
  return names;
}

function namesMapOf(scope: IConstruct, at: string, link: PostgresLink): NamesMap | undefined {
  validateRenamedProp<object>(scope, {
    code: 'CHART_ENV_NAMES_AND_RENAME',
    prop: `${at}.envNames`,
    deprecatedProp: `${at}.rename`,
    value: link.envNames,
    deprecatedValue: link.rename,
  });
  if (link.envNames !== undefined) return { prop: 'envNames', given: link.envNames, keyOf: f => f.envNamesKey };
  if (link.rename !== undefined) return { prop: 'rename', given: link.rename, keyOf: f => f.renameKey };
  return undefined;
}

/** The names map as given, refused unless it is an object of known keys that gives Opta's four. */
function validateNamesMapShape(scope: IConstruct, at: string, moduleName: string, map: NamesMap): Record<string, unknown> {
  const keys = NAMED_FIELDS.map(map.keyOf);
  const required = NAMED_FIELDS.filter(f => f.required).map(map.keyOf);
  const optional = NAMED_FIELDS.filter(f => !f.required).map(map.keyOf);
  if (map.given === null || typeof map.given !== 'object' || Array.isArray(map.given)) {
    throwPropError(scope, {
      code: 'CHART_ENV_NAMES_NOT_AN_OBJECT',
      prop: `${at}.${map.prop}`,
      value: String(map.given),
      allowed: `{ ${required.join(', ')}, ${optional.map(k => `${k}?`).join(', ')} }`,
      fix: `give an object, or drop ${map.prop}`,
    });
  }
  const given = map.given as Record<string, unknown>;
  const unknown = Object.keys(given).filter(k => given[k] !== undefined && !keys.includes(k));
  if (unknown.length > 0) {
    throwPropError(scope, {
      code: 'CHART_ENV_NAMES_KEY_UNKNOWN',
      prop: `${at}.${map.prop}`,
      value: given,
      allowed: `the keys ${keys.join(', ')}; unknown: ${unknown.join(', ')}`,
      fix: `use the camelCase keys (${map.keyOf(LINK_FIELDS[0])}, not db_user)`,
    });
  }
  const missing = required.filter(k => given[k] === undefined);
  if (missing.length > 0) {
    throwPropError(scope, {
      code: 'CHART_ENV_NAMES_INCOMPLETE',
      prop: `${at}.${map.prop}`,
      value: given,
      allowed: `To rename db variables you must provide aliases for these fields: ${required.join(', ')} (${optional.slice(0, -1).join(', ')} and ${optional[optional.length - 1]} are optional); missing: ${missing.join(', ')}`,
      fix: `add ${missing.map(k => `${k}: '<NAME>'`).join(', ')} to ${map.prop}, or drop ${map.prop} to keep the names ${moduleName}_db_*`,
    });
  }
  return given;
}
