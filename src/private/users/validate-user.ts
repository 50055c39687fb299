import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DatabaseAccess } from '../../database-access';
import { DatabaseAuthentication } from '../../database-authentication';
import { DEFAULT_ROTATION_DAYS } from '../defaults';
import { throwPropError } from '../errors';
import { validateModuleName } from '../names';
import { validatePropTypes, databaseUserTypes } from '../runtime-checks';
import { ClusterUsers, clusterUsersOf } from './cluster-users';
import { validateIamUser, validateProxyAuthentication } from './iam-user';
import { CLONE_SUFFIX, MAX_USERNAME_LENGTH, OWNER_SUFFIX } from './provision';

/** The user props validated here (a view of `DatabaseUserProps`, which imports this module). */
export interface UserInput {
  /** The cluster (an `IAuroraPostgres`). */
  readonly database: IConstruct;
  readonly username: string;
  readonly access?: DatabaseAccess;
  readonly authentication?: DatabaseAuthentication;
  readonly databaseName?: string;
  readonly schemas?: string[];
  readonly rotation?: boolean;
  readonly rotationInterval?: Duration;
  readonly removalPolicy?: RemovalPolicy;
  readonly adoptExistingRoles?: boolean;
  readonly moduleName?: string;
}

/** A user's options after validation and defaults: what `DatabaseUser` builds from. */
export interface ValidatedUser {
  /** The users' side of the cluster (`database`). */
  readonly users: ClusterUsers;
  readonly username: string;
  readonly access: DatabaseAccess;
  readonly authentication: DatabaseAuthentication;
  /** Whether the user logs in with IAM (no secret, no rotation). */
  readonly iam: boolean;
  readonly databaseName: string;
  readonly schemas: string[];
  /** The rotation interval, or undefined when rotation is off (always for an IAM user). */
  readonly rotationInterval?: Duration;
  /** What the function does with the roles when the user is removed. */
  readonly removalPolicy: 'destroy' | 'retain';
  readonly adoptExistingRoles: boolean;
  readonly moduleName: string;
}

/** Lowercase PostgreSQL identifiers, with room for `_clone` / `_owner`. */
const NAME = new RegExp(`^[a-z][a-z0-9_]{0,${MAX_USERNAME_LENGTH - 1}}$`);
const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
const RESERVED_USERS = ['postgres', 'admin', 'public', 'none', 'current_user', 'session_user', 'current_role', 'user', 'all'];
const RESERVED_DATABASES = ['postgres', 'template0', 'template1', 'rdsadmin'];
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Every rule of a user, against its cluster, before any resource exists: the props' run-time types, the cluster
 * (this library's) and its capabilities, the IAM and proxy rules, the names, the rotation. Returns the options with
 * their defaults.
 */
export function validateDatabaseUser(scope: IConstruct, props: UserInput): ValidatedUser {
  validatePropTypes(scope, props, databaseUserTypes(DatabaseAccess as any, DatabaseAuthentication as any));
  const users = validateDatabase(scope, props.database);
  validateUsersAllowed(scope, users);
  const authentication = props.authentication ?? DatabaseAuthentication.PASSWORD;
  const iam = authentication === DatabaseAuthentication.IAM;
  if (iam) validateIamUser(scope, props, users);
  validateProxyAuthentication(scope, iam ? 'IAM' : 'PASSWORD', users);
  const username = validateUsername(scope, props.username, users);
  const databaseName = validateUserDatabaseName(scope, props.databaseName, users);
  const schemas = validateSchemas(scope, props.schemas);
  const rotationInterval = iam ? undefined : validateRotation(scope, props.rotation, props.rotationInterval);
  validateProxyUser(scope, users, rotationInterval, iam);
  const moduleName = validateModuleName(scope, 'moduleName', props.moduleName ?? defaultModuleName(users.props.moduleName, username));
  return {
    users,
    username,
    access: props.access ?? DatabaseAccess.READ_WRITE,
    authentication,
    iam,
    databaseName,
    schemas,
    rotationInterval,
    removalPolicy: props.removalPolicy === RemovalPolicy.DESTROY ? 'destroy' : 'retain',
    adoptExistingRoles: props.adoptExistingRoles === true,
    moduleName,
  };
}

/** Whether a name is one `addDatabaseUser` accepts (pattern, length, reserved names and suffixes). */
export function isUsableUsername(username: string): boolean {
  const lower = username.toLowerCase();
  const reserved = RESERVED_USERS.includes(lower) || lower.startsWith('rds') || lower.startsWith('pg_');
  return NAME.test(username) && !reserved && !username.endsWith(CLONE_SUFFIX) && !username.endsWith(OWNER_SUFFIX);
}

/** What `isUsableUsername` accepts, in words. */
export const USABLE_USERNAME_RULE = `a lowercase letter, then lowercase letters, digits and underscores, ${MAX_USERNAME_LENGTH} characters at most (rotation adds ${CLONE_SUFFIX}); `
  + `not reserved (${RESERVED_USERS.join(', ')}, rds*, pg_*) and not ending in ${CLONE_SUFFIX} or ${OWNER_SUFFIX} (the rotation twin and the owner roles)`;

/** The users' side of `database`; refused for an IAuroraPostgres that is not this library's. */
function validateDatabase(scope: IConstruct, database: IConstruct): ClusterUsers {
  const users = clusterUsersOf(database);
  if (!users) {
    throwPropError(scope, {
      code: 'USER_DATABASE_UNSUPPORTED',
      prop: 'database',
      value: database.node.path,
      allowed: 'an AuroraPostgres, or a cluster imported with AuroraPostgres.fromClusterAttributes',
      fix: 'import the cluster with AuroraPostgres.fromClusterAttributes(scope, id, { clusterIdentifier, ... })',
    });
  }
  return users;
}

/** The cluster's declared capabilities: users only where its variant allows them (it says why not). */
function validateUsersAllowed(scope: IConstruct, users: ClusterUsers): void {
  const refusal = users.props.capabilities.usersRefusal;
  if (refusal) throwPropError(scope, refusal);
}

/** A usable role name, not the master's, once per cluster. */
function validateUsername(scope: IConstruct, username: string, users: ClusterUsers): string {
  if (Token.isUnresolved(username)) return username;
  if (!isUsableUsername(username)) {
    throwPropError(scope, {
      code: 'USER_NAME_INVALID',
      prop: 'username',
      value: username,
      allowed: USABLE_USERNAME_RULE,
      fix: "name the role after the service, e.g. username: 'orders'",
    });
  }
  const master = users.props.masterUsername;
  if (master !== undefined && username.toLowerCase() === master.toLowerCase()) {
    throwPropError(scope, {
      code: 'USER_NAME_IS_MASTER',
      prop: 'username',
      value: username,
      allowed: `a user other than the master user (${master}): applications never log in as the master`,
      fix: "name the role after the service, e.g. username: 'orders'",
    });
  }
  if (users.isTaken(username)) {
    throwPropError(scope, {
      code: 'USER_NAME_TAKEN',
      prop: 'username',
      value: username,
      allowed: 'a user name not yet used on this cluster (each addDatabaseUser creates its own role)',
      fix: 'give each user its own name, or add the user once and share its link',
    });
  }
  return username;
}

/** The user's database: given or the cluster's (unknown for a restore without databaseName), a plain name. */
function validateUserDatabaseName(scope: IConstruct, given: string | undefined, users: ClusterUsers): string {
  const databaseName = given ?? users.props.databaseName;
  if (databaseName === undefined) {
    throwPropError(scope, {
      code: 'USER_DATABASE_NAME_MISSING',
      prop: 'databaseName',
      value: undefined,
      allowed: 'a database name: this restored cluster\'s database is the snapshot\'s, which this construct does not know',
      fix: 'give databaseName, here or on the AuroraPostgres (the name of the snapshot\'s database)',
    });
  }
  if (!Token.isUnresolved(databaseName) && (!NAME.test(databaseName) || RESERVED_DATABASES.includes(databaseName))) {
    throwPropError(scope, {
      code: 'USER_DATABASE_NAME_INVALID',
      prop: 'databaseName',
      value: databaseName,
      allowed: `a lowercase letter, then lowercase letters, digits and underscores, ${MAX_USERNAME_LENGTH} characters at most (its owner role is <name>${OWNER_SUFFIX}); not ${RESERVED_DATABASES.join(', ')}`,
      fix: given === undefined
        ? 'give the user a databaseName of its own (the cluster\'s database name does not fit these rules)'
        : "use a plain name such as 'orders'",
    });
  }
  return databaseName;
}

/** One or more distinct schema names, none of PostgreSQL's own. */
function validateSchemas(scope: IConstruct, given: string[] | undefined): string[] {
  const schemas = given ?? ['public'];
  const isBad = (s: string) => !Token.isUnresolved(s) && (!SCHEMA.test(s) || s.startsWith('pg_') || s === 'information_schema');
  if (schemas.length === 0 || schemas.some(isBad) || new Set(schemas).size !== schemas.length) {
    throwPropError(scope, {
      code: 'USER_SCHEMAS_INVALID',
      prop: 'schemas',
      value: schemas,
      allowed: 'one or more distinct schema names: a lowercase letter or underscore, then lowercase letters, digits and underscores, 63 characters at most; not pg_* nor information_schema',
      fix: "list the schemas the service works in, e.g. schemas: ['public']",
    });
  }
  return schemas;
}

/** The rotation interval (default 30 days), or undefined when rotation is off. */
function validateRotation(scope: IConstruct, rotation: boolean | undefined, interval: Duration | undefined): Duration | undefined {
  if (rotation === false) {
    if (interval !== undefined) {
      throwPropError(scope, {
        code: 'USER_ROTATION_INTERVAL_WITHOUT_ROTATION',
        prop: 'rotationInterval',
        value: interval.toHumanString(),
        allowed: 'only together with rotation (on by default)',
        fix: 'drop rotationInterval, or drop rotation: false',
      });
    }
    return undefined;
  }
  const result = interval ?? Duration.days(DEFAULT_ROTATION_DAYS);
  if (!result.isUnresolved() && !isRotationSchedule(result)) {
    throwPropError(scope, {
      code: 'USER_ROTATION_INTERVAL_INVALID',
      prop: 'rotationInterval',
      value: result.toHumanString(),
      allowed: 'whole hours from 4 to 23, or whole days from 1 to 1000 (Secrets Manager schedules are rate(N hours) or rate(N days))',
      fix: `use e.g. Duration.days(${DEFAULT_ROTATION_DAYS}) or Duration.hours(12)`,
    });
  }
  return result;
}

/**
 * Whether the interval is one Secrets Manager documents: `rate(N hours)` for 4 to 23 hours, `rate(N days)` for 1 to
 * 1000 days. Anything else (4.5 hours, 25 hours) would render as `rate(270 minutes)` or `rate(25 hours)`.
 */
function isRotationSchedule(interval: Duration): boolean {
  const ms = interval.toMilliseconds();
  if (ms % DAY_MS === 0) return ms >= DAY_MS && ms <= 1000 * DAY_MS;
  return ms % HOUR_MS === 0 && ms >= 4 * HOUR_MS && ms < DAY_MS;
}

/** Behind an RDS Proxy: no rotated password user, and a password user in the cluster's stack. */
function validateProxyUser(scope: IConstruct, users: ClusterUsers, rotationInterval: Duration | undefined, iam: boolean): void {
  if (users.props.proxy === undefined) return;
  if (rotationInterval) {
    // RDS Proxy reads only the current version of a secret: after an alternating-users rotation it no longer
    // knows the previous login, which the scheme promises stays valid (aws/aws-cdk#25568).
    throwPropError(scope, {
      code: 'USER_ROTATION_BEHIND_PROXY',
      prop: 'rotation',
      value: true,
      allowed: 'false on a database with an RDS Proxy (proxy: true): the proxy logs in with the current version of each secret only, so after an alternating-users rotation it refuses the previous credentials (<user> or <user>_clone) that the scheme promises stay valid until the next rotation',
      fix: 'set rotation: false on this user (its secret is then registered with the proxy as it is), or drop proxy on the database',
    });
  }
  const stack = Stack.of(scope);
  const clusterStack = Stack.of(users.owner);
  if (!iam && stack !== clusterStack) {
    throwPropError(scope, {
      code: 'USER_PROXY_OTHER_STACK',
      prop: 'scope',
      value: stack.stackName,
      allowed: `the stack of the database (${clusterStack.stackName}) for a user of a database with an RDS Proxy: the proxy lists every user's secret, so a user in another stack would make the two stacks depend on each other`,
      fix: 'create this user in the database\'s stack (db.addDatabaseUser(...)), or drop proxy on the database',
    });
  }
}

/** `rds` + `order_items` -> `rdsOrderItems`. */
function defaultModuleName(clusterModuleName: string, username: string): string {
  return clusterModuleName + username.split('_').filter(Boolean).map(w => w[0].toUpperCase() + w.slice(1)).join('');
}
