import { Duration, Token } from 'aws-cdk-lib';
import { DatabaseAuthentication } from './database-authentication';
import { DEFAULT_POSTGRES_PORT } from './private/defaults';
import { throwInputError } from './private/errors';
import { FROM_SECRET_MARKER, NO_SECRET_MARKER, readModuleOutputs } from './private/link-outputs-reader';

/** An RDS Proxy endpoint's host name (the default endpoint or one you create). */
const RDS_PROXY_HOST = /\.proxy-[a-z0-9]+\.[a-z0-9-]+\.rds\.amazonaws\.com(\.cn)?$/i;

/**
 * The values of a database link.
 *
 * A credential that is not given here (`username`, `password`, `databaseName`) is read at run time from the
 * Secrets Manager secret named by `secretArn`, under the JSON keys that RDS and CDK use (`username`,
 * `password`, `dbname`). A value that is given is used as it is, including the placeholders
 * `UNKNOWN_SEE_ORIGINAL_DB` and `UNKNOWN_SEE_PRIMARY_DB`.
 */
export interface DatabaseLinkProps {
  /**
   * The host name applications connect to (the writer endpoint; the reader endpoint of a global secondary).
   */
  readonly host: string;

  /**
   * The host name for read-only traffic: the cluster's reader endpoint (`AuroraPostgres` gives it also behind an
   * RDS Proxy, whose read-only endpoint `verify-full` cannot verify). Same port, database and credentials as `host`.
   *
   * @default - none: the database has no reader endpoint (a chart that asks for it is refused)
   */
  readonly readerHost?: string;

  /**
   * Whether `host` is an RDS Proxy endpoint. A chart's CA bundle then holds the roots RDS Proxy's certificates
   * chain to (Amazon Trust Services, 5 certificates, about 6 KiB) besides the region's RDS roots; without a
   * proxy they are left out, so the pods trust only what the database presents.
   *
   * @default - from a literal host name (`<name>.proxy-<id>.<region>.rds.amazonaws.com` is a proxy); for a CDK
   *   token host, unknown, and the proxy roots are kept
   */
  readonly rdsProxy?: boolean;

  /**
   * The PostgreSQL port.
   *
   * @default 5432
   */
  readonly port?: number;

  /**
   * The database name.
   *
   * @default - read from the secret's `dbname` key
   */
  readonly databaseName?: string;

  /**
   * The user name.
   *
   * @default - read from the secret's `username` key
   */
  readonly username?: string;

  /**
   * A literal password. Only for local development and tests: it ends up in whatever the link is rendered
   * into. Deployed databases give `secretArn` instead.
   *
   * @default - read from the secret's `password` key
   */
  readonly password?: string;

  /**
   * ARN (or name) of the Secrets Manager secret that holds the credentials as JSON
   * (`username`, `password`, `dbname`, ...).
   *
   * @default - no secret: every credential must be given as a value
   */
  readonly secretArn?: string;

  /**
   * How often Secrets Manager rotates the password in `secretArn`, when it does. A chart that knows it checks
   * that its refresh interval (plus a rollout) fits well inside it.
   *
   * @default - not rotated, or not known
   */
  readonly rotationInterval?: Duration;

  /**
   * How the user logs in. `IAM`: with IAM database authentication tokens that the pod signs (no secret, no
   * password): `username`, `databaseName` and `region` are required, `secretArn` and `password` not allowed.
   *
   * @default DatabaseAuthentication.PASSWORD
   */
  readonly authentication?: DatabaseAuthentication;

  /**
   * The AWS region of the database (or its proxy): IAM tokens are signed for it.
   *
   * @default - not known (required with `DatabaseAuthentication.IAM`)
   */
  readonly region?: string;
}

/**
 * The one contract between the CDK side (`AuroraPostgres`) and the cdk8s side (`PostgresLinkChart`):
 * where a database is and how to get its credentials.
 *
 * Get one from `AuroraPostgres.link` (CDK tokens, for a chart deployed in the same CDK app through
 * `eks.Cluster.addCdk8sChart`), from `DatabaseLink.fromCdkOutputs` (after `cdk deploy --outputs-file`), or
 * from `DatabaseLink.fromValues` (local development and tests).
 */
export class DatabaseLink {
  /** The value of a credential that cannot be known because the cluster was restored from a snapshot. */
  public static readonly UNKNOWN_SEE_ORIGINAL_DB = 'UNKNOWN_SEE_ORIGINAL_DB';

  /** The value of a credential that cannot be known on an Aurora Global Database secondary. */
  public static readonly UNKNOWN_SEE_PRIMARY_DB = 'UNKNOWN_SEE_PRIMARY_DB';

  /**
   * The value of a credential output (`<module>DbUser`, `<module>DbName`, `<module>DbPassword`) whose real
   * value is read at run time from the secret named by `<module>DbSecretArn`. The password output always
   * holds this marker or a placeholder, never a password.
   */
  public static readonly FROM_SECRET = FROM_SECRET_MARKER;

  /** The value of the `<module>DbSecretArn` output when the database has no credentials secret. */
  public static readonly NO_SECRET = NO_SECRET_MARKER;

  /** The JSON key of the user name in an RDS credentials secret. */
  public static readonly SECRET_KEY_USERNAME = 'username';

  /** The JSON key of the password in an RDS credentials secret. */
  public static readonly SECRET_KEY_PASSWORD = 'password';

  /** The JSON key of the database name in an RDS credentials secret. */
  public static readonly SECRET_KEY_DATABASE_NAME = 'dbname';

  /**
   * A link from explicit values: local development, tests, or a database this library did not create.
   */
  public static fromValues(props: DatabaseLinkProps): DatabaseLink {
    return new DatabaseLink(props);
  }

  /**
   * A link read from the file that `cdk deploy --outputs-file <file>` writes, for a cdk8s app that runs
   * after the CDK deployment.
   *
   * @param outputs the parsed outputs file: `{ "<stackName>": { "<outputKey>": "<value>" } }` (e.g.
   *   `JSON.parse(fs.readFileSync('cdk-outputs.json', 'utf8'))`)
   * @param stackName the name of the stack that holds the database
   * @param moduleName the database's `moduleName` (by default the `AuroraPostgres` construct's id)
   *
   * The reader host (`<moduleName>DbReaderHost`) is optional: files written before it existed still work.
   *
   * A `DatabaseUser` writes only what differs from its cluster (`<moduleName>DbSecretArn` and
   * `<moduleName>DbUserLink`, which names the cluster's module and stack): the host, port and reader host are read
   * from the cluster's outputs, in the same file. Files written by earlier versions (every key under the user's
   * module) are read as before.
   */
  public static fromCdkOutputs(
    outputs: { [stackName: string]: { [outputKey: string]: string } }, stackName: string, moduleName: string,
  ): DatabaseLink {
    const read = readModuleOutputs(outputs, stackName, moduleName);
    if ('values' in read) return new DatabaseLink(read.values);
    const user = read.user;
    const cluster = DatabaseLink.fromCdkOutputs(outputs, user.clusterStack, user.clusterModule);
    const where = { host: cluster.host, readerHost: cluster.readerHost, port: cluster.portNumber, databaseName: user.databaseName };
    if (user.authentication === DatabaseAuthentication.IAM) {
      return new DatabaseLink({ ...where, username: user.username, region: user.region, authentication: DatabaseAuthentication.IAM });
    }
    return new DatabaseLink({ ...where, secretArn: user.secretArn, rotationInterval: user.rotationInterval });
  }

  /** The host name. */
  public readonly host: string;

  /** The host name for read-only traffic, if the database has a reader endpoint. */
  public readonly readerHost?: string;

  /**
   * The port as a string, the form env vars and connection strings take (`'5432'`; a string token when the port
   * is a CDK token). `portNumber` is the same port as a number.
   */
  public readonly port: string;

  /**
   * The port as a number, as `DatabaseLinkProps.port` takes it (a number token when the port is a CDK token).
   * `port` is the same port as a string.
   */
  public readonly portNumber: number;

  /** The database name, or undefined when it is read from the secret. */
  public readonly databaseName?: string;

  /** The user name, or undefined when it is read from the secret. */
  public readonly username?: string;

  /** The literal password, or undefined when it is read from the secret. */
  public readonly password?: string;

  /** The secret that holds the credentials, if any. */
  public readonly secretArn?: string;

  /** How often the password in the secret is rotated, when known. */
  public readonly rotationInterval?: Duration;

  /** How the user logs in: a password (from the secret or a value), or IAM tokens. */
  public readonly authentication: DatabaseAuthentication;

  /** The AWS region of the database, when known (always with IAM authentication). */
  public readonly region?: string;

  /**
   * Whether `host` is an RDS Proxy endpoint, when it is known (see `DatabaseLinkProps.rdsProxy`).
   */
  public readonly rdsProxy?: boolean;

  /**
   * Whether any value is an unresolved CDK token. Such a link can only be rendered into a chart that is
   * deployed through `eks.Cluster.addCdk8sChart` in the same CDK app.
   */
  public readonly hasCdkTokens: boolean;

  private constructor(props: DatabaseLinkProps) {
    const port = validateLinkProps(props);
    this.host = props.host;
    this.readerHost = props.readerHost || undefined; // an empty host is no host
    this.rdsProxy = props.rdsProxy ?? (Token.isUnresolved(props.host) ? undefined : RDS_PROXY_HOST.test(props.host));
    this.port = Token.isUnresolved(port) ? Token.asString(port) : String(port);
    this.portNumber = port;
    this.databaseName = props.databaseName;
    this.username = props.username;
    this.password = props.password;
    this.secretArn = props.secretArn;
    this.rotationInterval = props.rotationInterval;
    this.authentication = props.authentication ?? DatabaseAuthentication.PASSWORD;
    this.region = props.region;
    this.hasCdkTokens = [props.host, props.readerHost, props.port, props.databaseName, props.username, props.password, props.secretArn, props.region]
      .some(v => v !== undefined && Token.isUnresolved(v));
  }

  /**
   * The JSON key in the secret that a credential is read from, or undefined when the link holds its value.
   *
   * @param field one of `username`, `password`, `databaseName`
   */
  public secretKeyOf(field: string): string | undefined {
    switch (field) {
      case 'username': return this.username === undefined ? DatabaseLink.SECRET_KEY_USERNAME : undefined;
      case 'password': return this.password === undefined && this.authentication !== DatabaseAuthentication.IAM ? DatabaseLink.SECRET_KEY_PASSWORD : undefined;
      case 'databaseName': return this.databaseName === undefined ? DatabaseLink.SECRET_KEY_DATABASE_NAME : undefined;
      default:
        return throwInputError('DatabaseLink.secretKeyOf', {
          code: 'DATABASE_LINK_SECRET_KEY_FIELD', prop: 'field', value: field, allowed: "'username', 'password', 'databaseName'", fix: 'name one of those fields',
        });
    }
  }

  /** Whether any credential is read from the secret at run time. */
  public get readsSecret(): boolean {
    if (this.authentication === DatabaseAuthentication.IAM) return false;
    return this.username === undefined || this.password === undefined || this.databaseName === undefined;
  }
}

/**
 * Runs every rule of a link's props before it is built (host, port, credentials; IAM links' own rules), and
 * returns the port (5432 by default).
 */
function validateLinkProps(props: DatabaseLinkProps): number {
  const where = 'DatabaseLink';
  if (!props.host) {
    // An empty host is no host.
    throwInputError(where, { code: 'DATABASE_LINK_HOST_MISSING', prop: 'host', value: undefined, allowed: 'a non-empty host name', fix: 'give the endpoint host' });
  }
  const port = props.port ?? DEFAULT_POSTGRES_PORT;
  if (!Token.isUnresolved(port) && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throwInputError(where, {
      code: 'DATABASE_LINK_PORT_RANGE', prop: 'port', value: port, allowed: 'a whole number from 1 to 65535', fix: 'give the PostgreSQL port, usually 5432',
    });
  }
  if (props.authentication === DatabaseAuthentication.IAM) validateIamLink(props);
  const fromSecret = [
    props.username === undefined ? 'username' : undefined,
    props.password === undefined && props.authentication !== DatabaseAuthentication.IAM ? 'password' : undefined,
    props.databaseName === undefined ? 'databaseName' : undefined,
  ].filter((f): f is string => f !== undefined);
  if (fromSecret.length > 0 && !props.secretArn) {
    throwInputError(where, {
      code: 'DATABASE_LINK_SECRET_REQUIRED',
      prop: 'secretArn',
      value: undefined,
      allowed: `a Secrets Manager secret ARN or name, because ${fromSecret.join(', ')} ${fromSecret.length > 1 ? 'are' : 'is'} not given and must be read from it`,
      fix: `give secretArn, or give ${fromSecret.join(', ')} as values`,
    });
  }
  return port;
}

/** An IAM link names its user, database and region, and carries no secret and no password. */
function validateIamLink(props: DatabaseLinkProps): void {
  const missing = (['username', 'databaseName', 'region'] as const).filter(f => !props[f]);
  const extra = (['secretArn', 'password'] as const).filter(f => props[f] !== undefined);
  if (missing.length > 0 || extra.length > 0) {
    throwInputError('DatabaseLink', {
      code: 'DATABASE_LINK_IAM_PROPS',
      prop: 'authentication',
      value: `IAM with ${missing.length ? `no ${missing.join(', ')}` : ''}${missing.length && extra.length ? ' and ' : ''}${extra.length ? extra.join(', ') : ''}`,
      allowed: 'IAM links give username, databaseName and region (tokens are signed for a user, in a region), and neither secretArn nor password (nothing secret exists)',
      fix: `${missing.length ? `give ${missing.join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `drop ${extra.join(', ')}` : ''}`,
    });
  }
}
