import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { throwPropError } from '../errors';
import { CLONE_SUFFIX, MAX_USERNAME_LENGTH, OWNER_SUFFIX } from './provision';
import { UserHost } from './user-host';

/** The user props this module checks (a narrow view of `DatabaseUserProps`). */
export interface UserInput {
  readonly username: string;
  readonly databaseName?: string;
  readonly schemas?: string[];
  readonly rotation?: boolean;
  readonly rotationInterval?: Duration;
}

/** What is left after validation and defaults. */
export interface ValidUser {
  readonly databaseName: string;
  readonly schemas: string[];
  /** The rotation interval, or undefined when rotation is off. */
  readonly rotationInterval?: Duration;
}

/** Lowercase PostgreSQL identifiers, with room for `_clone` / `_owner`. */
const NAME = new RegExp(`^[a-z][a-z0-9_]{0,${MAX_USERNAME_LENGTH - 1}}$`);
const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
const RESERVED_USERS = ['postgres', 'admin', 'public', 'none', 'current_user', 'session_user', 'current_role', 'user', 'all'];
const RESERVED_DATABASES = ['postgres', 'template0', 'template1', 'rdsadmin'];
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Whether the interval is one Secrets Manager documents: `rate(N hours)` for 4 to 23 hours, `rate(N days)` for 1 to
 * 1000 days. Anything else (4.5 hours, 25 hours) would render as `rate(270 minutes)` or `rate(25 hours)`.
 */
function isRotationSchedule(interval: Duration): boolean {
  const ms = interval.toMilliseconds();
  if (ms % DAY_MS === 0) return ms >= DAY_MS && ms <= 1000 * DAY_MS;
  return ms % HOUR_MS === 0 && ms >= 4 * HOUR_MS && ms < DAY_MS;
}

/** The usernames already taken per cluster host (a user name may be used once per cluster). */
const taken = new WeakMap<UserHost, Set<string>>();

/** Whether a name is one `addDatabaseUser` accepts (pattern, length, reserved names and suffixes). */
export function isUsableUsername(username: string): boolean {
  const lower = username.toLowerCase();
  const reserved = RESERVED_USERS.includes(lower) || lower.startsWith('rds') || lower.startsWith('pg_');
  return NAME.test(username) && !reserved && !username.endsWith(CLONE_SUFFIX) && !username.endsWith(OWNER_SUFFIX);
}

/** The user names added to a cluster so far. */
export function usernamesOn(host: UserHost): string[] {
  return [...taken.get(host) ?? []];
}

/** Validates a user's props against its cluster and fills in the defaults. */
export function validateUser(scope: IConstruct, props: UserInput, host: UserHost): ValidUser {
  const { username } = props;
  if (!Token.isUnresolved(username)) {
    const lower = username.toLowerCase();
    if (!isUsableUsername(username)) {
      throwPropError(scope, {
        prop: 'username',
        value: username,
        allowed: `a lowercase letter, then lowercase letters, digits and underscores, ${MAX_USERNAME_LENGTH} characters at most (rotation adds ${CLONE_SUFFIX}); `
          + `not reserved (${RESERVED_USERS.join(', ')}, rds*, pg_*) and not ending in ${CLONE_SUFFIX} or ${OWNER_SUFFIX} (the rotation twin and the owner roles)`,
        fix: "name the role after the service, e.g. username: 'orders'",
      });
    }
    if (host.masterUsername !== undefined && lower === host.masterUsername.toLowerCase()) {
      throwPropError(scope, {
        prop: 'username',
        value: username,
        allowed: `a user other than the master user (${host.masterUsername}): applications never log in as the master`,
        fix: "name the role after the service, e.g. username: 'orders'",
      });
    }
    const used = taken.get(host) ?? new Set<string>();
    taken.set(host, used);
    if (used.has(username)) {
      throwPropError(scope, {
        prop: 'username',
        value: username,
        allowed: 'a user name not yet used on this cluster (each addDatabaseUser creates its own role)',
        fix: 'give each user its own name, or add the user once and share its link',
      });
    }
    used.add(username);
  }

  const databaseName = props.databaseName ?? host.databaseName;
  if (databaseName === undefined) {
    throwPropError(scope, {
      prop: 'databaseName',
      value: 'undefined',
      allowed: 'a database name: this restored cluster\'s database is the snapshot\'s, which this construct does not know',
      fix: 'give databaseName, here or on the AuroraPostgres (the name of the snapshot\'s database)',
    });
  }
  if (!Token.isUnresolved(databaseName) && (!NAME.test(databaseName) || RESERVED_DATABASES.includes(databaseName))) {
    throwPropError(scope, {
      prop: 'databaseName',
      value: databaseName,
      allowed: `a lowercase letter, then lowercase letters, digits and underscores, ${MAX_USERNAME_LENGTH} characters at most (its owner role is <name>${OWNER_SUFFIX}); not ${RESERVED_DATABASES.join(', ')}`,
      fix: props.databaseName === undefined
        ? 'give the user a databaseName of its own (the cluster\'s database name does not fit these rules)'
        : "use a plain name such as 'orders'",
    });
  }

  const schemas = props.schemas ?? ['public'];
  const badSchema = schemas.find(s => !Token.isUnresolved(s) && (!SCHEMA.test(s) || s.startsWith('pg_') || s === 'information_schema'));
  if (schemas.length === 0 || badSchema !== undefined || new Set(schemas).size !== schemas.length) {
    throwPropError(scope, {
      prop: 'schemas',
      value: schemas,
      allowed: 'one or more distinct schema names: a lowercase letter or underscore, then lowercase letters, digits and underscores, 63 characters at most; not pg_* nor information_schema',
      fix: "list the schemas the service works in, e.g. schemas: ['public']",
    });
  }

  const rotation = props.rotation ?? true;
  if (!rotation && props.rotationInterval !== undefined) {
    throwPropError(scope, {
      prop: 'rotationInterval',
      value: props.rotationInterval.toHumanString(),
      allowed: 'only together with rotation (on by default)',
      fix: 'drop rotationInterval, or drop rotation: false',
    });
  }
  const interval = props.rotationInterval ?? Duration.days(30);
  if (rotation && !interval.isUnresolved() && !isRotationSchedule(interval)) {
    throwPropError(scope, {
      prop: 'rotationInterval',
      value: interval.toHumanString(),
      allowed: 'whole hours from 4 to 23, or whole days from 1 to 1000 (Secrets Manager schedules are rate(N hours) or rate(N days))',
      fix: 'use e.g. Duration.days(30) or Duration.hours(12)',
    });
  }
  return { databaseName, schemas, rotationInterval: rotation ? interval : undefined };
}
