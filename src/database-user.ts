import { CustomResource, Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { AuroraPostgres } from './aurora-postgres';
import { DatabaseAccess } from './database-access';
import { DatabaseLink } from './database-link';
import { PropErrorDetails, throwPropError } from './private/errors';
import { addLinkOutputs } from './private/link-outputs';
import { MODULE_NAME_PATTERN, READER_HOST_SUFFIX, ROTATION_INTERVAL_SUFFIX } from './private/output-keys';
import { UserProvisioner } from './private/users/provisioner';
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
   * Take over PostgreSQL roles that already exist but were not created by this library (`<username>`,
   * `<username>_clone`, a NOLOGIN or LOGIN `<databaseName>_owner`): they lose every attribute and role membership
   * this library does not grant, and `<username>`'s password becomes the secret's. Without it such roles are
   * refused (the deployment fails and names them). Roles made by earlier versions of this library carry no
   * marker either: a new user in such a database needs this once.
   *
   * @default false
   */
  readonly adoptExistingRoles?: boolean;

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
   * `password`, `dbname`, `host`, `port`, `engine`, `masterarn`.
   */
  public readonly secret: secretsmanager.ISecret;

  /**
   * Where the database is and how to log in as this user, for a `PostgresLinkChart`: reads this user's secret
   * (never the master's); the user name is read from the secret too, as rotation alternates it.
   */
  public readonly link: DatabaseLink;

  /** The prefix of the user's CloudFormation output keys. */
  public readonly moduleName: string;

  constructor(scope: Construct, id: string, props: DatabaseUserProps) {
    super(scope, id);
    const host = props.database._userHost;
    if (host.refusal) this.refuse(host.refusal);
    const valid = validateUser(this, props, host);
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
    const secret = new rds.DatabaseSecret(this, 'Secret', {
      username: this.username,
      dbname: this.databaseName,
      masterSecret,
      secretName: host.globalClusterIdentifier ? userSecretName(host.globalClusterIdentifier, this.username) : undefined,
      replicaRegions: host.globalClusterIdentifier ? host.secretReplicaRegions?.map(region => ({ region })) : undefined,
    });
    this.secret = secret.attach(host.cluster);

    const provisioner = UserProvisioner.of(props.database, {
      vpc: host.vpc, vpcSubnets: host.vpcSubnets, cluster: host.cluster, masterSecret,
    });
    provisioner.allowReading(this.secret);
    host.registerWithProxy?.(this.secret);
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provisioner.serviceToken,
      resourceType: 'Custom::PostgresUser',
      // Names and ARNs only: the function reads the passwords from Secrets Manager.
      properties: {
        MasterSecretArn: masterSecret.secretArn,
        UserSecretArn: this.secret.secretArn,
        Host: host.host,
        Port: String(host.port),
        Username: this.username,
        DatabaseName: this.databaseName,
        Schemas: valid.schemas,
        Access: this.access,
        RemovalPolicy: props.removalPolicy === RemovalPolicy.DESTROY ? 'destroy' : 'retain',
        AdoptExistingRoles: props.adoptExistingRoles ? 'true' : undefined,
      },
    });
    // The cluster and its instances must be up (and the master's rotation configured) before the SQL runs.
    const instances = host.cluster.node.children.filter(c => c.node.defaultChild instanceof rds.CfnDBInstance);
    resource.node.addDependency(host.cluster.node.defaultChild!, ...instances);
    const masterRotation = host.masterSecret?.node.tryFindChild('RotationSchedule');
    if (masterRotation) resource.node.addDependency(masterRotation);
    resource.node.addDependency(this.secret.node.defaultChild!); // the host in the secret
    resource.node.addDependency(provisioner.function); // which waits for the cluster to admit it
    // One user at a time: concurrent CREATE ROLE / ALTER DEFAULT PRIVILEGES on one cluster can fail each other.
    const previous = lastUserResource.get(host);
    if (previous) resource.node.addDependency(previous);
    lastUserResource.set(host, resource);

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
    return this.secret.grantRead(grantee);
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
