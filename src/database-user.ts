import { CustomResource, Duration, RemovalPolicy, Stack, Tags, Validations } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DatabaseAccess } from './database-access';
import { DatabaseAuthentication } from './database-authentication';
import { DatabaseLink } from './database-link';
import { IAuroraPostgres } from './i-aurora-postgres';
import { IDatabaseUser } from './i-database-user';
import { throwPropError } from './private/errors';
import { addUserLinkOutputs, UserLinkRef } from './private/link-outputs';
import { watchStackLimits } from './private/stack-limits';
import { ClusterUsers, globalUserSecretName } from './private/users/cluster-users';
import { grantIamConnect, validateGrantConnect, validateGrantReadCredentials } from './private/users/iam-user';
import { CLUSTER_TAG_KEY } from './private/users/provisioner';
import { validateDatabaseUser, ValidatedUser } from './private/users/validate-user';
import { SecondaryDatabaseUser } from './secondary-database-user';

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
  /**
   * The cluster the user lives in: an `AuroraPostgres` (standard, restored with `snapshotUsername`, or global
   * primary) or a cluster imported with `AuroraPostgres.fromClusterAttributes`. The user may be in another stack
   * of the same app (a service's stack): that stack then depends on the cluster's, never the other way round.
   */
  readonly database: IAuroraPostgres;
}

/**
 * Options of `DatabaseUser.fromSecondary` and `DatabaseUser.linkOnSecondary`.
 */
export interface SecondaryUserLinkOptions {
  /**
   * How often the primary rotates the user's password (for charts that check their refresh against it).
   *
   * @default Duration.days(30)
   */
  readonly rotationInterval?: Duration;

  /**
   * How the user logs in, as given to `addDatabaseUser` on the primary. `IAM`: the link signs tokens for the
   * secondary's endpoints and region, and `grantConnect` grants `rds-db:connect` on the secondary's cluster
   * resource id (the role replicates from the primary); `databaseName` is then required.
   *
   * @default DatabaseAuthentication.PASSWORD
   */
  readonly authentication?: DatabaseAuthentication;

  /**
   * The user's database, as given to `addDatabaseUser` on the primary (an IAM link names it; a password link
   * reads it from the secret).
   *
   * @default - read from the replica of the user's secret (required with `DatabaseAuthentication.IAM`)
   */
  readonly databaseName?: string;
}

/**
 * A least-privilege PostgreSQL user for one service, created and kept in step at deploy time inside AWS (a
 * custom resource whose function reads the master secret in the cluster's subnets: nothing outside AWS sees the
 * master password), with its own Secrets Manager secret, rotated with alternating users, and a `link` that
 * reads that secret.
 *
 * @resource Custom::PostgresUser
 */
export class DatabaseUser extends Construct implements IDatabaseUser {
  /**
   * A user of a global database's primary, seen from a secondary's region: its `link` goes to the secondary's own
   * (reader) endpoint and reads the replica of the user's secret in the secondary's region
   * (`<globalDatabaseId>-<username>-credentials`); `grantReadCredentials` grants that replica only (its ARN's
   * 6-character suffix as a wildcard), e.g. to `eso.forNamespace('orders')` of the secondary region's operator.
   *
   * Warns when the primary (in the same app) does not replicate its secrets to the secondary's region
   * (`secretReplicaRegions`), or when the secondary's VPC is in another region; a user the primary (in the same
   * app) does not have fails the synth.
   *
   * @param secondary the secondary `AuroraPostgres` (with `existingGlobalDatabaseId`)
   * @param username the user's name, as given to `addDatabaseUser` on the primary
   */
  public static fromSecondary(secondary: IAuroraPostgres, username: string, options: SecondaryUserLinkOptions = {}): IDatabaseUser {
    return new SecondaryDatabaseUser({ secondary, username, ...options });
  }

  /**
   * The link of a user of a global database's primary, for a chart next to a secondary: `fromSecondary(...).link`.
   *
   * @param secondary the secondary `AuroraPostgres` (with `existingGlobalDatabaseId`)
   * @param username the user's name, as given to `addDatabaseUser` on the primary
   */
  public static linkOnSecondary(secondary: IAuroraPostgres, username: string, options: SecondaryUserLinkOptions = {}): DatabaseLink {
    return DatabaseUser.fromSecondary(secondary, username, options).link;
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

  /**
   * Like `link` (this user's secret), but straight to the cluster's writer endpoint and port, never through the
   * RDS Proxy: for schema migrations and anything else that needs a session of its own (advisory locks, `SET`,
   * `LISTEN`, session-level prepared statements), which a proxy pins or breaks. Without a proxy it points where
   * `link` does. Behind a proxy the VPC-CIDR rule admits clients to the proxy only: admit the migration's pods to
   * the cluster (`database.securityGroup`) too. A CDK-token link: for a chart deployed through `addCdk8sChart`.
   */
  public readonly directLink: DatabaseLink;

  /** The prefix of the user's CloudFormation output keys. */
  public readonly moduleName: string;

  /** The users' side of the cluster the user lives in. */
  private readonly users: ClusterUsers;

  constructor(scope: Construct, id: string, props: DatabaseUserProps) {
    super(scope, id);
    const options = validateDatabaseUser(this, props);
    const users = this.users = options.users;
    this.username = options.username;
    this.access = options.access;
    this.authentication = options.authentication;
    this.databaseName = options.databaseName;
    this.moduleName = options.moduleName;
    watchStackLimits(this, 'user');

    this.secret = options.iam ? undefined : this.addSecret(options.rotationInterval);
    users.add({ username: this.username, secret: this.secret });
    const resource = this.addResource(options);
    if (this.secret && options.rotationInterval) this.addRotation(this.secret, resource, options.rotationInterval);
    const credentials = this.secret
      ? { secretArn: this.secret.secretArn, rotationInterval: options.rotationInterval }
      : { username: this.username, authentication: DatabaseAuthentication.IAM, region: users.props.region };
    const { linkHost, linkReaderHost, linkPort, host, port, proxy } = users.props;
    this.link = DatabaseLink.fromValues({
      host: linkHost, readerHost: linkReaderHost, rdsProxy: proxy !== undefined, port: linkPort, databaseName: this.databaseName, ...credentials,
    });
    this.directLink = DatabaseLink.fromValues({ host, rdsProxy: false, port, databaseName: this.databaseName, ...credentials });
    this.addOutputs(options.rotationInterval);
  }

  /**
   * Grants an IAM principal read access to the user's secret, e.g. the store of the namespace that links the
   * user: `user.grantReadCredentials(eso.forNamespace('orders'))` (the operator itself refuses grants).
   */
  public grantReadCredentials(grantee: iam.IGrantable): iam.Grant {
    validateGrantReadCredentials(this, this.authentication);
    return this.secret!.grantRead(grantee);
  }

  /**
   * Grants an IAM principal `rds-db:connect` as this IAM user, on the cluster and, when it has one, on its RDS
   * Proxy: e.g. a `DatabasePodIdentity` (the pods' role).
   */
  public grantConnect(grantee: iam.IGrantable): iam.Grant {
    validateGrantConnect(this, this.authentication);
    return grantIamConnect(this, grantee, this.users, this.username);
  }

  /** A password user's secret (with the master's ARN, for multi-user rotation), attached to the cluster. */
  private addSecret(rotationInterval: Duration | undefined): secretsmanager.ISecret {
    const { masterSecret, global, cluster, clusterTag } = this.users.props;
    const secret = new rds.DatabaseSecret(this, 'Secret', {
      username: this.username,
      dbname: this.databaseName,
      masterSecret,
      secretName: global ? globalUserSecretName(global.id, this.username) : undefined,
      replicaRegions: global?.secretReplicaRegions?.map(region => ({ region })),
    });
    // The cluster's provisioning function may read the secrets with this tag: no statement names this secret.
    Tags.of(secret).add(CLUSTER_TAG_KEY, clusterTag);
    if (!rotationInterval) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'Rotation of this database user was turned off explicitly (rotation: false).',
      });
    }
    return secret.attach(cluster);
  }

  /**
   * The custom resource that creates and grants the role (names and ARNs only: the function reads the passwords
   * from Secrets Manager), after the cluster, its instances, the master's rotation, the user's secret and the
   * previous user of the cluster in this stack.
   */
  private addResource(options: ValidatedUser): CustomResource {
    // Everything shared lives with the cluster and names no user: a user in a stack of its own depends on the
    // cluster's stack, never the other way round.
    const provisioner = this.users.provisioner();
    const { masterSecret, host, port } = this.users.props;
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provisioner.serviceToken,
      resourceType: 'Custom::PostgresUser',
      properties: {
        MasterSecretArn: masterSecret!.secretArn,
        ...this.secret ? { UserSecretArn: this.secret.secretArn } : {},
        Host: host,
        Port: String(port),
        Username: this.username,
        DatabaseName: this.databaseName,
        Schemas: options.schemas,
        Access: this.access,
        ...options.iam ? { Authentication: DatabaseAuthentication.IAM } : {},
        RemovalPolicy: options.removalPolicy,
        AdoptExistingRoles: options.adoptExistingRoles ? 'true' : undefined,
      },
    });
    this.users.sequence(resource);
    if (this.secret) resource.node.addDependency(this.secret.node.defaultChild!); // the host in the secret
    resource.node.addDependency(provisioner.function); // which waits for the cluster to admit it
    return resource;
  }

  /** The user's schedule on the cluster's one multi-user rotation function. */
  private addRotation(secret: secretsmanager.ISecret, resource: CustomResource, interval: Duration): void {
    // The schedule as CloudFormation has it (aws-cdk-lib's RotationSchedule adds a deny-delete resource policy to
    // each secret: one more resource per service, against CloudFormation's 500, for a secret whose lifecycle
    // is its stack's). Same construct path, so the same logical id as before.
    const schedule = new Construct(secret, 'RotationSchedule');
    new secretsmanager.CfnRotationSchedule(schedule, 'Resource', {
      secretId: secret.secretArn,
      rotationLambdaArn: this.users.rotation().function.functionArn,
      rotationRules: { scheduleExpression: Schedule.rate(interval).expressionString },
    });
    // Secrets Manager rotates at once when the schedule is created: the role must exist by then.
    schedule.node.addDependency(resource);
  }

  /** The user's outputs, for `DatabaseLink.fromCdkOutputs(outputs, stackName, moduleName)`. */
  private addOutputs(rotationInterval: Duration | undefined): void {
    const { moduleName, region } = this.users.props;
    const common = { cluster: moduleName, stack: Stack.of(this.users.owner).stackName, databaseName: this.databaseName };
    const link: UserLinkRef = this.secret
      ? { ...common, rotationInterval: rotationInterval?.toIsoString() }
      : { ...common, authentication: DatabaseAuthentication.IAM, username: this.username, region };
    addUserLinkOutputs(this, this.moduleName, {
      secretArn: this.secret?.secretArn ?? DatabaseLink.NO_SECRET, username: this.username, link,
    }, () => throwPropError(this, {
      code: 'USER_MODULE_NAME_TAKEN',
      prop: 'moduleName',
      value: this.moduleName,
      allowed: 'a module name not used by another database or user in the same stack (it prefixes the output keys)',
      fix: 'give the user its own moduleName',
    }));
  }
}
