import { Duration, Token } from 'aws-cdk-lib';
import { DatabaseAuthentication } from './database-authentication';
import { propErrorMessage } from './private/errors';
import { MODULE_NAME_PATTERN } from './private/names';
import { LINK_OUTPUT_FIELDS, READER_HOST_SUFFIX, ROTATION_INTERVAL_SUFFIX, USER_LINK_SUFFIX, outputKey } from './private/output-keys';

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
  public static readonly FROM_SECRET = 'FROM_SECRET';

  /** The value of the `<module>DbSecretArn` output when the database has no credentials secret. */
  public static readonly NO_SECRET = 'NONE';

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
   * @param outputs the parsed outputs file: `{ "<stackName>": { "<outputKey>": "<value>" } }`
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
  public static fromCdkOutputs(outputs: any, stackName: string, moduleName: string): DatabaseLink {
    const where = 'DatabaseLink.fromCdkOutputs';
    if (outputs === null || typeof outputs !== 'object' || Array.isArray(outputs)) {
      throw new Error(propErrorMessage(where, {
        prop: 'outputs',
        value: outputs === null ? 'null' : typeof outputs,
        allowed: 'the parsed JSON object that `cdk deploy --outputs-file` writes ({ stackName: { outputKey: value } })',
        fix: "pass JSON.parse(fs.readFileSync('cdk-outputs.json', 'utf8'))",
      }));
    }
    const stacks = Object.keys(outputs);
    // The file maps stack names to objects; one stack's outputs map output keys to strings.
    const outputKeys = stacks.filter(k => typeof outputs[k] === 'string');
    if (outputKeys.length > 0) {
      throw new Error(propErrorMessage(where, {
        prop: 'outputs',
        value: `one stack's outputs (${outputKeys.slice(0, 3).join(', ')}${outputKeys.length > 3 ? ', ...' : ''}), not the whole file`,
        allowed: 'the whole parsed file that `cdk deploy --outputs-file` writes, keyed by stack name ({ stackName: { outputKey: value } })',
        fix: `pass the whole file (JSON.parse(fs.readFileSync('cdk-outputs.json', 'utf8'))), or wrap this object as { '${stackName}': outputs }`,
      }));
    }
    const stack = outputs[stackName];
    if (stack === undefined || stack === null || typeof stack !== 'object') {
      throw new Error(propErrorMessage(where, {
        prop: 'stackName',
        value: stackName,
        allowed: `a stack in the outputs file: ${stacks.length ? stacks.map(s => `'${s}'`).join(', ') : '(the file has no stacks)'}`,
        fix: 'name the stack that holds the AuroraPostgres construct, and deploy it with --outputs-file',
      }));
    }
    const modules = modulesIn(stack);
    const userLink = stack[`${moduleName}${USER_LINK_SUFFIX}`];
    if (typeof userLink === 'string' && typeof stack[outputKey(moduleName, 'host')] !== 'string') {
      return DatabaseLink.fromUserOutputs(outputs, stackName, moduleName, userLink);
    }
    const missing = LINK_OUTPUT_FIELDS.filter(f => typeof stack[outputKey(moduleName, f)] !== 'string');
    if (missing.length === LINK_OUTPUT_FIELDS.length) {
      throw new Error(propErrorMessage(where, {
        prop: 'moduleName',
        value: moduleName,
        allowed: `a module with link outputs in stack '${stackName}': ${modules.length ? modules.map(m => `'${m}'`).join(', ') : '(none)'}`,
        fix: "pass the AuroraPostgres construct's moduleName (by default its construct id, letters and digits only)",
      }));
    }
    if (missing.length > 0) {
      // The module is there, but not all of its outputs: a file written before the stack had them, or edited.
      throw new Error(propErrorMessage(where, {
        prop: 'outputs',
        value: `stack '${stackName}', module '${moduleName}' without ${missing.map(f => outputKey(moduleName, f)).join(', ')}`,
        allowed: `every link output of the module (${LINK_OUTPUT_FIELDS.map(f => outputKey(moduleName, f)).join(', ')}); this outputs file is incomplete or from an older deploy`,
        fix: `deploy the stack again and read the file it writes: cdk deploy ${stackName} --outputs-file cdk-outputs.json`,
      }));
    }
    const read = (field: typeof LINK_OUTPUT_FIELDS[number]): string | undefined => {
      const value: string = stack[outputKey(moduleName, field)];
      return value === DatabaseLink.FROM_SECRET || value === DatabaseLink.NO_SECRET ? undefined : value;
    };
    const port = Number(read('port'));
    const readerHost = stack[`${moduleName}${READER_HOST_SUFFIX}`];
    const rotation = stack[`${moduleName}${ROTATION_INTERVAL_SUFFIX}`];
    const rotationInterval = typeof rotation === 'string' && rotation !== ''
      ? parseRotation(rotation, stackName, `${moduleName}${ROTATION_INTERVAL_SUFFIX}`)
      : undefined;
    return new DatabaseLink({
      rotationInterval,
      host: read('host')!,
      readerHost: typeof readerHost === 'string' && readerHost !== '' ? readerHost : undefined,
      port: Number.isInteger(port) ? port : undefined,
      databaseName: read('databaseName'),
      username: read('username'),
      password: read('password'),
      secretArn: read('secretArn'),
    });
  }

  /** A user's link from its two outputs and its cluster's outputs. */
  private static fromUserOutputs(outputs: any, stackName: string, moduleName: string, userLink: string): DatabaseLink {
    const where = 'DatabaseLink.fromCdkOutputs';
    const key = `${moduleName}${USER_LINK_SUFFIX}`;
    let ref: Partial<Record<'cluster' | 'stack' | 'databaseName' | 'rotationInterval' | 'authentication' | 'username' | 'region', unknown>>;
    try {
      ref = JSON.parse(userLink);
    } catch {
      ref = {};
    }
    const secretArn = outputs[stackName][outputKey(moduleName, 'secretArn')];
    if (typeof ref.cluster !== 'string' || typeof ref.stack !== 'string' || typeof ref.databaseName !== 'string' || typeof secretArn !== 'string') {
      throw new Error(propErrorMessage(where, {
        prop: `outputs['${stackName}']['${key}']`,
        value: userLink,
        allowed: `JSON with cluster, stack and databaseName (and rotationInterval), next to ${outputKey(moduleName, 'secretArn')}, as cdk-aurora-postgres writes them`,
        fix: `deploy the stack again and read the file it writes: cdk deploy ${stackName} --outputs-file cdk-outputs.json`,
      }));
    }
    if (outputs[ref.stack] === undefined) {
      throw new Error(propErrorMessage(where, {
        prop: 'outputs',
        value: `a file without the stack '${ref.stack}', which holds the outputs of the cluster '${ref.cluster}' of user module '${moduleName}'`,
        allowed: 'the outputs of the user\'s stack and of its cluster\'s stack in one file',
        fix: `deploy both into one file: cdk deploy ${ref.stack} ${stackName} --outputs-file cdk-outputs.json`,
      }));
    }
    const cluster = DatabaseLink.fromCdkOutputs(outputs, ref.stack, ref.cluster);
    if (ref.authentication === DatabaseAuthentication.IAM) {
      return new DatabaseLink({
        host: cluster.host,
        readerHost: cluster.readerHost,
        port: Number(cluster.port),
        databaseName: ref.databaseName,
        username: typeof ref.username === 'string' ? ref.username : undefined,
        region: typeof ref.region === 'string' ? ref.region : undefined,
        authentication: DatabaseAuthentication.IAM,
      });
    }
    return new DatabaseLink({
      host: cluster.host,
      readerHost: cluster.readerHost,
      port: Number(cluster.port),
      databaseName: ref.databaseName,
      secretArn,
      rotationInterval: typeof ref.rotationInterval === 'string' ? parseRotation(ref.rotationInterval, stackName, key) : undefined,
    });
  }

  /** The host name. */
  public readonly host: string;

  /** The host name for read-only traffic, if the database has a reader endpoint. */
  public readonly readerHost?: string;

  /** The port, as a string (env vars are strings). */
  public readonly port: string;

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
    const where = 'DatabaseLink';
    if (!props.host) {
      throw new Error(propErrorMessage(where, {
        prop: 'host', value: props.host ?? 'undefined', allowed: 'a non-empty host name', fix: 'give the endpoint host',
      }));
    }
    const port = props.port ?? 5432;
    if (!Token.isUnresolved(port) && (!Number.isInteger(port) || port < 1 || port > 65535)) {
      throw new Error(propErrorMessage(where, {
        prop: 'port', value: port, allowed: 'a whole number from 1 to 65535', fix: 'give the PostgreSQL port, usually 5432',
      }));
    }
    if (props.authentication === DatabaseAuthentication.IAM) checkIamLink(props);
    const fromSecret = [
      props.username === undefined ? 'username' : undefined,
      props.password === undefined && props.authentication !== DatabaseAuthentication.IAM ? 'password' : undefined,
      props.databaseName === undefined ? 'databaseName' : undefined,
    ].filter((f): f is string => f !== undefined);
    if (fromSecret.length > 0 && !props.secretArn) {
      throw new Error(propErrorMessage(where, {
        prop: 'secretArn',
        value: 'undefined',
        allowed: `a Secrets Manager secret ARN or name, because ${fromSecret.join(', ')} ${fromSecret.length > 1 ? 'are' : 'is'} not given and must be read from it`,
        fix: `give secretArn, or give ${fromSecret.join(', ')} as values`,
      }));
    }
    this.host = props.host;
    this.readerHost = props.readerHost || undefined; // an empty host is no host
    this.rdsProxy = props.rdsProxy ?? (Token.isUnresolved(props.host) ? undefined : RDS_PROXY_HOST.test(props.host));
    this.port = Token.isUnresolved(port) ? Token.asString(port) : String(port);
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
        throw new Error(propErrorMessage('DatabaseLink.secretKeyOf', {
          prop: 'field', value: field, allowed: "'username', 'password', 'databaseName'", fix: 'name one of those fields',
        }));
    }
  }

  /** Whether any credential is read from the secret at run time. */
  public get readsSecret(): boolean {
    if (this.authentication === DatabaseAuthentication.IAM) return false;
    return this.username === undefined || this.password === undefined || this.databaseName === undefined;
  }
}

/** An IAM link names its user, database and region, and carries no secret and no password. */
function checkIamLink(props: DatabaseLinkProps): void {
  const missing = (['username', 'databaseName', 'region'] as const).filter(f => !props[f]);
  const extra = (['secretArn', 'password'] as const).filter(f => props[f] !== undefined);
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(propErrorMessage('DatabaseLink', {
      prop: 'authentication',
      value: `IAM with ${missing.length ? `no ${missing.join(', ')}` : ''}${missing.length && extra.length ? ' and ' : ''}${extra.length ? extra.join(', ') : ''}`,
      allowed: 'IAM links give username, databaseName and region (tokens are signed for a user, in a region), and neither secretArn nor password (nothing secret exists)',
      fix: `${missing.length ? `give ${missing.join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `drop ${extra.join(', ')}` : ''}`,
    }));
  }
}

/** A rotation interval output (ISO 8601). */
function parseRotation(value: string, stackName: string, key: string): Duration {
  try {
    return Duration.parse(value);
  } catch {
    throw new Error(propErrorMessage('DatabaseLink.fromCdkOutputs', {
      prop: `outputs['${stackName}']['${key}']`,
      value,
      allowed: 'an ISO 8601 duration such as P30D, as cdk-aurora-postgres writes it',
      fix: `deploy the stack again and read the file it writes: cdk deploy ${stackName} --outputs-file cdk-outputs.json`,
    }));
  }
}

/** The module names that have a host output (a database) or a user link output in one stack's outputs. */
function modulesIn(stackOutputs: Record<string, unknown>): string[] {
  return [outputKey('', 'host'), USER_LINK_SUFFIX].flatMap(suffix => Object.keys(stackOutputs)
    .filter(k => k.endsWith(suffix) && k.length > suffix.length)
    .map(k => k.slice(0, -suffix.length))
    .filter(m => MODULE_NAME_PATTERN.test(m)));
}
