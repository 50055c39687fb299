import { CustomResource, Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { AuroraPostgres } from './aurora-postgres';
import { DatabaseAccess } from './database-access';
import { DatabaseAuthentication } from './database-authentication';
import { DatabaseLink } from './database-link';
import { PropErrorDetails, throwPropError } from './private/errors';
import { addLinkOutputs } from './private/link-outputs';
import { AUTHENTICATION_SUFFIX, MODULE_NAME_PATTERN, READER_HOST_SUFFIX, REGION_SUFFIX, ROTATION_INTERVAL_SUFFIX } from './private/output-keys';
import { checkIamUser, checkProxyAuthentication, grantIamConnect } from './private/users/iam-user';
import { UserProvisioner } from './private/users/provisioner';
import { UserHost } from './private/users/user-host';
import { validateUser } from './private/users/validate-user';

/**
 * A database user of an `AuroraPostgres` cluster: what `AuroraPostgres.addDatabaseUser` takes.
 */
export interface DatabaseUserOptions {
  /**
   * The PostgreSQL role name: a lowercase letter, then lowercase letters, digits and underscores, 57 characters
   * at most (rotation adds `_clone`). Not the master user's, not reserved (`rds*`, `pg_*`, `postgres`, `admin`,
   * ...), not ending in `_clone` or `_owner`, once per cluster.
   */
  readonly username: string;

  /**
   * What the user may do in its schemas.
   *
   * @default DatabaseAccess.READ_WRITE
   */
  readonly access?: DatabaseAccess;

  /**
   * How the user logs in. `IAM`: the role has no password and is granted `rds_iam`; no secret, no rotation;
   * pods sign 15-minute tokens with their own AWS credentials (grant them with `grantConnect`, e.g. to a
   * `DatabasePodIdentity`). Needs `iamAuthentication` on the cluster (the default), and TLS.
   *
   * @default DatabaseAuthentication.PASSWORD
   */
  readonly authentication?: DatabaseAuthentication;

  /**
   * The database the user works in; created when missing. A lowercase letter, then lowercase letters, digits and
   * underscores, 57 characters at most (its owner role is `<databaseName>_owner`).
   *
   * @default - the cluster's database (`databaseName` of the `AuroraPostgres`)
   */
  readonly databaseName?: string;

  /**
   * The schemas the access applies to; created (owned by `<databaseName>_owner`) when missing.
   *
   * @default ['public']
   */
  readonly schemas?: string[];

  /**
   * Whether Secrets Manager rotates the user's password with the multi-user (alternating users) scheme: the
   * secret alternates between `<username>` and `<username>_clone`, and the credentials from before a rotation stay
   * valid until the next one, so a running pod keeps working for a whole `rotationInterval`.
   *
   * @default true
   */
  readonly rotation?: boolean;

  /**
   * How often the password is rotated: 4 hours to 1000 days (Secrets Manager's range).
   *
   * @default Duration.days(30)
   */
  readonly rotationInterval?: Duration;

  /**
   * What happens to the PostgreSQL roles when the user is removed from the app. RETAIN keeps both roles and their
   * rights (its objects, if any, are not lost). DESTROY drops `<username>` and `<username>_clone`, and the
   * deployment fails if either still owns objects. The objects that OWNER users create belong to
   * `<databaseName>_owner`, which is never dropped.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The prefix of the user's CloudFormation output keys (`<moduleName>DbHost`, ..., as for `AuroraPostgres`), so
   * that `DatabaseLink.fromCdkOutputs(outputs, stackName, moduleName)` reads the user's link. Letters and digits.
   *
   * @default - the cluster's moduleName followed by the user name without underscores, capitalized (`rdsOrders`)
   */
  readonly moduleName?: string;
}

/**
 * Properties of a `DatabaseUser`.
 */
export interface DatabaseUserProps extends DatabaseUserOptions {
  /** The cluster the user lives in (standard, restored with `snapshotUsername`, or global primary). */
  readonly database: AuroraPostgres;
}

/**
 * Options of `DatabaseUser.linkOnSecondary`.
 */
export interface SecondaryUserLinkOptions {
  /**
   * How often the primary rotates the user's password (for charts that check their refresh against it).
   *
   * @default Duration.days(30)
   */
  readonly rotationInterval?: Duration;
}

/**
 * A least-privilege PostgreSQL user for one service, created and kept in step at deploy time inside AWS (a
 * custom resource whose function reads the master secret in the cluster's subnets: nothing outside AWS sees the
 * master password), with its own Secrets Manager secret, rotated with alternating users, and a `link` that
 * reads that secret.
 *
 * @resource Custom::PostgresUser
 */
export class DatabaseUser extends Construct {
  /**
   * The link of a user of a global database's primary, for a chart next to a secondary: the secondary's own
   * (reader) endpoint, credentials from the replica of the user's secret in the secondary's region
   * (`<globalDatabaseId>-<username>-credentials`).
   *
   * @param secondary the secondary `AuroraPostgres` (with `existingGlobalDatabaseId`)
   * @param username the user's name, as given to `addDatabaseUser` on the primary
   */
  public static linkOnSecondary(secondary: AuroraPostgres, username: string, options: SecondaryUserLinkOptions = {}): DatabaseLink {
    const globalId = secondary.globalClusterIdentifier;
    if (globalId === undefined || secondary._userHost.refusal?.prop !== 'existingGlobalDatabaseId') {
      throwPropError(secondary, {
        prop: 'secondary',
        value: secondary.node.path,
        allowed: 'an AuroraPostgres that is a global secondary (existingGlobalDatabaseId)',
        fix: 'use the user\'s own link (user.link) on the primary or a standard cluster',
      });
    }
    return DatabaseLink.fromValues({
      host: secondary.link.host,
      readerHost: secondary.link.readerHost,
      port: Token.isUnresolved(secondary.link.port) ? undefined : Number(secondary.link.port),
      secretArn: userSecretName(globalId, username),
      rotationInterval: options.rotationInterval ?? Duration.days(30),
    });
  }

  /** The PostgreSQL role name (rotation alternates it with `<username>_clone`). */
  public readonly username: string;

  /** The user's access level. */
  public readonly access: DatabaseAccess;

  /** The database the user works in. */
  public readonly databaseName: string;

  /**
   * The user's credentials secret: `username` (the login that is current: `<username>` or `<username>_clone`),
   * `password`, `dbname`, `host`, `port`, `engine`, `masterarn`. None for an IAM user.
   */
  public readonly secret?: secretsmanager.ISecret;

  /** How the user logs in. */
  public readonly authentication: DatabaseAuthentication;

  /**
   * Where the database is and how to log in as this user, for a `PostgresLinkChart`: reads this user's secret
   * (never the master's); the user name is read from the secret too, as rotation alternates it.
   */
  public readonly link: DatabaseLink;

  /** The prefix of the user's CloudFormation output keys. */
  public readonly moduleName: string;

  private readonly host: UserHost;

  constructor(scope: Construct, id: string, props: DatabaseUserProps) {
    super(scope, id);
    const host = props.database._userHost;
    if (host.refusal) this.refuse(host.refusal);
    this.authentication = props.authentication ?? DatabaseAuthentication.PASSWORD;
    const iamUser = this.authentication === DatabaseAuthentication.IAM;
    if (iamUser) checkIamUser(this, props, host);
    checkProxyAuthentication(this, this.authentication === DatabaseAuthentication.IAM ? 'IAM' : 'PASSWORD', host);
    const valid = validateUser(this, iamUser ? { ...props, rotation: false, rotationInterval: undefined } : props, host);
    this.host = host;
    if (host.registerWithProxy && valid.rotationInterval) {
      // RDS Proxy reads only the current version of a secret: after an alternating-users rotation it no longer
      // knows the previous login, which the scheme promises stays valid (aws/aws-cdk#25568).
      throwPropError(this, {
        prop: 'rotation',
        value: true,
        allowed: 'false on a database with an RDS Proxy (proxy: true): the proxy logs in with the current version of each secret only, so after an alternating-users rotation it refuses the previous credentials (<user> or <user>_clone) that the scheme promises stay valid until the next rotation',
        fix: 'set rotation: false on this user (its secret is then registered with the proxy as it is), or drop proxy on the database',
      });
    }
    this.username = props.username;
    this.access = props.access ?? DatabaseAccess.READ_WRITE;
    this.databaseName = valid.databaseName;
    this.moduleName = this.validModuleName(props.moduleName ?? defaultModuleName(host.moduleName, props.username));
    host.onUserAdded();

    const masterSecret = host.masterSecret!;
    if (iamUser) {
      this.link = this.iamUser(props, valid.databaseName, valid.schemas, host);
      return;
    }
    const secret = new rds.DatabaseSecret(this, 'Secret', {
      username: this.username,
      dbname: this.databaseName,
      masterSecret,
      secretName: host.globalClusterIdentifier ? userSecretName(host.globalClusterIdentifier, this.username) : undefined,
      replicaRegions: host.globalClusterIdentifier ? host.secretReplicaRegions?.map(region => ({ region })) : undefined,
    });
    this.secret = secret.attach(host.cluster);

    host.registerWithProxy?.(this.secret);
    const resource = this.addResource(host, {
      MasterSecretArn: masterSecret.secretArn,
      UserSecretArn: this.secret.secretArn,
      Host: host.host,
      Port: String(host.port),
      Username: this.username,
      DatabaseName: this.databaseName,
      Schemas: valid.schemas,
      Access: this.access,
      RemovalPolicy: props.removalPolicy === RemovalPolicy.DESTROY ? 'destroy' : 'retain',
    }, props.database, this.secret);

    if (valid.rotationInterval) {
      host.cluster.addRotationMultiUser(`${this.moduleName}Rotation`, {
        secret: this.secret,
        automaticallyAfter: valid.rotationInterval,
      });
      // Secrets Manager rotates at once when the schedule is created: the role must exist by then.
      this.secret.node.findChild('RotationSchedule').node.addDependency(resource);
    } else {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'Rotation of this database user was turned off explicitly (rotation: false).',
      });
    }

    this.link = DatabaseLink.fromValues({
      host: host.linkHost,
      readerHost: host.linkReaderHost,
      port: host.linkPort,
      databaseName: this.databaseName,
      secretArn: this.secret.secretArn,
      rotationInterval: valid.rotationInterval,
    });
    addLinkOutputs(this, this.moduleName, {
      host: [this.link.host, host.registerWithProxy
        ? 'Host of the RDS Proxy endpoint that applications connect to (port 5432, TLS required)'
        : 'Host of the database endpoint that applications connect to'],
      port: [this.link.port, 'PostgreSQL port'],
      databaseName: [this.databaseName, `Database of the user ${this.username}`],
      username: [DatabaseLink.FROM_SECRET, `User name: FROM_SECRET (the secret's username key: ${this.username} or ${this.username}_clone, as rotation alternates)`],
      password: [DatabaseLink.FROM_SECRET, 'Never a password: FROM_SECRET (the secret\'s password key)'],
      secretArn: [this.secret.secretArn, `ARN of the Secrets Manager secret of the user ${this.username}`],
    }, () => throwPropError(this, {
      prop: 'moduleName',
      value: this.moduleName,
      allowed: 'a module name not used by another database or user in the same stack (it prefixes the output keys)',
      fix: 'give the user its own moduleName',
    }), {
      ...this.link.readerHost === undefined ? {} : {
        [`${this.moduleName}${READER_HOST_SUFFIX}`]: [this.link.readerHost, 'Host for read-only traffic (the reader endpoint, or the RDS Proxy\'s read-only endpoint)'],
      },
      ...valid.rotationInterval === undefined ? {} : {
        [`${this.moduleName}${ROTATION_INTERVAL_SUFFIX}`]: [valid.rotationInterval.toIsoString(),
          'How often the password rotates (alternating users): a chart checks its refresh interval against it'],
      },
    });
  }

  /**
   * Grants an IAM principal read access to the user's secret (e.g. the role External Secrets Operator uses).
   */
  public grantReadCredentials(grantee: iam.IGrantable): iam.Grant {
    if (!this.secret) {
      throwPropError(this, {
        prop: 'authentication',
        value: this.authentication,
        allowed: 'grantReadCredentials only for a PASSWORD user: an IAM user has no secret',
        fix: 'grant the pods grantConnect instead (e.g. user.grantConnect(podIdentity))',
      });
    }
    return this.secret.grantRead(grantee);
  }

  /**
   * Grants an IAM principal `rds-db:connect` as this IAM user, on the cluster and, when it has one, on its RDS
   * Proxy: e.g. a `DatabasePodIdentity` (the pods' role).
   */
  public grantConnect(grantee: iam.IGrantable): iam.Grant {
    if (this.authentication !== DatabaseAuthentication.IAM) {
      throwPropError(this, {
        prop: 'authentication',
        value: this.authentication,
        allowed: 'grantConnect only for an IAM user (authentication: DatabaseAuthentication.IAM): a password user cannot log in with tokens',
        fix: 'add the user with authentication: DatabaseAuthentication.IAM, or grant grantReadCredentials to read its secret',
      });
    }
    return grantIamConnect(this, grantee, this.host, this.username);
  }

  /**
   * The custom resource that creates and grants the role (names and ARNs only: the function reads the passwords
   * from Secrets Manager), after the cluster, its instances, the master's rotation, the user's secret and the
   * previous user of the cluster.
   */
  private addResource(host: UserHost, properties: Record<string, unknown>, database: AuroraPostgres,
    secret?: secretsmanager.ISecret): CustomResource {
    const provisioner = UserProvisioner.of(database, {
      vpc: host.vpc, vpcSubnets: host.vpcSubnets, cluster: host.cluster, masterSecret: host.masterSecret!,
    });
    if (secret) provisioner.allowReading(secret);
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provisioner.serviceToken,
      resourceType: 'Custom::PostgresUser',
      properties,
    });
    const instances = host.cluster.node.children.filter(c => c.node.defaultChild instanceof rds.CfnDBInstance);
    resource.node.addDependency(host.cluster.node.defaultChild!, ...instances);
    const masterRotation = host.masterSecret?.node.tryFindChild('RotationSchedule');
    if (masterRotation) resource.node.addDependency(masterRotation);
    if (secret) resource.node.addDependency(secret.node.defaultChild!); // the host in the secret
    resource.node.addDependency(provisioner.function); // which waits for the cluster to admit it
    // One user at a time: concurrent CREATE ROLE / ALTER DEFAULT PRIVILEGES on one cluster can fail each other.
    const previous = lastUserResource.get(host);
    if (previous) resource.node.addDependency(previous);
    lastUserResource.set(host, resource);
    return resource;
  }

  /** An IAM user: the role (no password, rds_iam), its link (no secret) and outputs. */
  private iamUser(props: DatabaseUserProps, databaseName: string, schemas: string[], host: UserHost): DatabaseLink {
    this.addResource(host, {
      MasterSecretArn: host.masterSecret!.secretArn,
      Host: host.host,
      Port: String(host.port),
      Username: this.username,
      DatabaseName: databaseName,
      Schemas: schemas,
      Access: this.access,
      Authentication: DatabaseAuthentication.IAM,
      RemovalPolicy: props.removalPolicy === RemovalPolicy.DESTROY ? 'destroy' : 'retain',
    }, props.database);
    host.allowProxyIamUser?.(this.username); // the proxy logs in to the cluster as this user
    const link = DatabaseLink.fromValues({
      host: host.linkHost,
      readerHost: host.linkReaderHost,
      port: host.linkPort,
      databaseName,
      username: this.username,
      authentication: DatabaseAuthentication.IAM,
      region: host.region,
    });
    addLinkOutputs(this, this.moduleName, {
      host: [link.host, host.registerWithProxy ? 'Host of the RDS Proxy endpoint (port 5432, TLS required)' : 'Host of the database endpoint (TLS required)'],
      port: [link.port, 'PostgreSQL port'],
      databaseName: [databaseName, `Database of the user ${this.username}`],
      username: [this.username, 'User name (IAM database authentication)'],
      password: [DatabaseLink.NO_SECRET, 'No password: the user logs in with IAM tokens'],
      secretArn: [DatabaseLink.NO_SECRET, 'No secret: the user logs in with IAM tokens'],
    }, () => throwPropError(this, {
      prop: 'moduleName',
      value: this.moduleName,
      allowed: 'a module name not used by another database or user in the same stack (it prefixes the output keys)',
      fix: 'give the user its own moduleName',
    }), {
      [`${this.moduleName}${AUTHENTICATION_SUFFIX}`]: [DatabaseAuthentication.IAM, 'How the user logs in: IAM tokens, no password'],
      [`${this.moduleName}${REGION_SUFFIX}`]: [host.region, 'Region the tokens are signed for'],
      ...link.readerHost === undefined ? {} : {
        [`${this.moduleName}${READER_HOST_SUFFIX}`]: [link.readerHost, 'Host for read-only traffic'],
      },
    });
    return link;
  }

  private refuse(details: PropErrorDetails): never {
    throwPropError(this, details);
  }

  private validModuleName(name: string): string {
    if (!MODULE_NAME_PATTERN.test(name)) {
      throwPropError(this, {
        prop: 'moduleName',
        value: name,
        allowed: 'a letter, then letters and digits, 63 characters at most (it prefixes CloudFormation output keys)',
        fix: "pass a shorter moduleName, e.g. moduleName: 'orders'",
      });
    }
    return name;
  }
}

/** The last user resource of each cluster: the next one waits for it. */
const lastUserResource = new WeakMap<object, CustomResource>();

/** The name of a global primary user's secret, and so of its replicas. */
function userSecretName(globalClusterIdentifier: string, username: string): string {
  return `${globalClusterIdentifier}-${username}-credentials`;
}

/** `rds` + `order_items` -> `rdsOrderItems`. */
function defaultModuleName(clusterModuleName: string, username: string): string {
  return clusterModuleName + username.split('_').filter(Boolean).map(w => w[0].toUpperCase() + w.slice(1)).join('');
}
