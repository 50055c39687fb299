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
import { PropErrorDetails, throwPropError } from './private/errors';
import { addUserLinkOutputs } from './private/link-outputs';
import { MODULE_NAME_PATTERN } from './private/names';
import { validatePropTypes, databaseUserTypes } from './private/runtime-checks';
import { watchStackLimits } from './private/stack-limits';
import { checkIamUser, checkProxyAuthentication, grantIamConnect } from './private/users/iam-user';
import { UserProvisioner } from './private/users/provisioner';
import { UserRotation } from './private/users/rotation';
import { CLUSTER_TAG_KEY, UserHost, userHostOf } from './private/users/user-host';
import { validateUser } from './private/users/validate-user';
import { SecondaryDatabaseUser, globalUserSecretName as userSecretName } from './secondary-database-user';

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

  private readonly host: UserHost;

  constructor(scope: Construct, id: string, props: DatabaseUserProps) {
    super(scope, id);
    validatePropTypes(this, props, databaseUserTypes(DatabaseAccess as any));
    const host = hostOf(this, props.database);
    if (host.refusal) this.refuse(host.refusal);
    this.authentication = props.authentication ?? DatabaseAuthentication.PASSWORD;
    const iamUser = this.authentication === DatabaseAuthentication.IAM;
    if (iamUser) checkIamUser(this, props, host);
    checkProxyAuthentication(this, this.authentication === DatabaseAuthentication.IAM ? 'IAM' : 'PASSWORD', host);
    const valid = validateUser(this, iamUser ? { ...props, rotation: false, rotationInterval: undefined } : props, host);
    this.host = host;
    const inClusterStack = Stack.of(this) === Stack.of(host.scope);
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
    if (host.registerWithProxy && !inClusterStack && !iamUser) {
      throwPropError(this, {
        prop: 'scope',
        value: Stack.of(this).stackName,
        allowed: `the stack of the database (${Stack.of(host.scope).stackName}) for a user of a database with an RDS Proxy: the proxy lists every user's secret, so a user in another stack would make the two stacks depend on each other`,
        fix: 'create this user in the database\'s stack (db.addDatabaseUser(...)), or drop proxy on the database',
      });
    }
    this.username = props.username;
    this.access = props.access ?? DatabaseAccess.READ_WRITE;
    this.databaseName = valid.databaseName;
    this.moduleName = this.validModuleName(props.moduleName ?? defaultModuleName(host.moduleName, props.username));
    host.onUserAdded();
    watchStackLimits(this, 'user');

    const masterSecret = host.masterSecret!;
    if (iamUser) {
      this.link = this.iamUser(props, valid.databaseName, valid.schemas, host);
      this.directLink = DatabaseLink.fromValues({
        host: host.host,
        rdsProxy: false,
        port: host.port,
        databaseName: valid.databaseName,
        username: this.username,
        authentication: DatabaseAuthentication.IAM,
        region: host.region,
      });
      return;
    }
    const secret = new rds.DatabaseSecret(this, 'Secret', {
      username: this.username,
      dbname: this.databaseName,
      masterSecret,
      secretName: host.globalClusterIdentifier ? userSecretName(host.globalClusterIdentifier, this.username) : undefined,
      replicaRegions: host.globalClusterIdentifier ? host.secretReplicaRegions?.map(region => ({ region })) : undefined,
    });
    // The cluster's provisioning function may read the secrets with this tag: no statement names this secret.
    Tags.of(secret).add(CLUSTER_TAG_KEY, host.clusterTag);
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
      AdoptExistingRoles: props.adoptExistingRoles ? 'true' : undefined,
    }, this.secret);

    if (valid.rotationInterval) {
      // The cluster's one rotation function; the schedule (the only per-user part) is the user's.
      const rotation = UserRotation.of(host.scope, {
        vpc: host.vpc, vpcSubnets: host.vpcSubnets, cluster: host.cluster, masterSecret,
      });
      // The schedule as CloudFormation has it (aws-cdk-lib's RotationSchedule adds a deny-delete resource policy to
      // each secret: one more resource per service, against CloudFormation's 500, for a secret whose lifecycle
      // is its stack's). Same construct path, so the same logical id as before.
      const schedule = new Construct(this.secret, 'RotationSchedule');
      new secretsmanager.CfnRotationSchedule(schedule, 'Resource', {
        secretId: this.secret.secretArn,
        rotationLambdaArn: rotation.function.functionArn,
        rotationRules: { scheduleExpression: Schedule.rate(valid.rotationInterval).expressionString },
      });
      // Secrets Manager rotates at once when the schedule is created: the role must exist by then.
      schedule.node.addDependency(resource);
    } else {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'Rotation of this database user was turned off explicitly (rotation: false).',
      });
    }

    this.link = DatabaseLink.fromValues({
      host: host.linkHost,
      readerHost: host.linkReaderHost,
      rdsProxy: host.registerWithProxy !== undefined,
      port: host.linkPort,
      databaseName: this.databaseName,
      secretArn: this.secret.secretArn,
      rotationInterval: valid.rotationInterval,
    });
    this.directLink = DatabaseLink.fromValues({
      host: host.host,
      rdsProxy: false,
      port: host.port,
      databaseName: this.databaseName,
      secretArn: this.secret.secretArn,
      rotationInterval: valid.rotationInterval,
    });
    addUserLinkOutputs(this, this.moduleName, {
      secretArn: this.secret.secretArn,
      username: this.username,
      link: {
        cluster: host.moduleName,
        stack: Stack.of(host.scope).stackName,
        databaseName: this.databaseName,
        rotationInterval: valid.rotationInterval?.toIsoString(),
      },
    }, () => throwPropError(this, {
      prop: 'moduleName',
      value: this.moduleName,
      allowed: 'a module name not used by another database or user in the same stack (it prefixes the output keys)',
      fix: 'give the user its own moduleName',
    }));
  }

  /**
   * Grants an IAM principal read access to the user's secret, e.g. the store of the namespace that links the
   * user: `user.grantReadCredentials(eso.forNamespace('orders'))` (the operator itself refuses grants).
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
  private addResource(host: UserHost, properties: Record<string, unknown>, secret?: secretsmanager.ISecret): CustomResource {
    // Everything shared lives with the cluster and names no user: a user in a stack of its own depends on the
    // cluster's stack, never the other way round.
    const provisioner = UserProvisioner.of(host.scope, {
      vpc: host.vpc, vpcSubnets: host.vpcSubnets, cluster: host.cluster, masterSecret: host.masterSecret!, clusterTag: host.clusterTag,
    });
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provisioner.serviceToken,
      resourceType: 'Custom::PostgresUser',
      properties,
    });
    // The cluster and its instances must be up (and the master's rotation configured) before the SQL runs.
    const instances = host.cluster.node.children.filter(c => c.node.defaultChild instanceof rds.CfnDBInstance);
    const clusterResource = host.cluster.node.defaultChild;
    resource.node.addDependency(...clusterResource ? [clusterResource] : [], ...instances);
    const masterRotation = host.masterSecret?.node.tryFindChild('RotationSchedule');
    if (masterRotation) resource.node.addDependency(masterRotation);
    if (secret) resource.node.addDependency(secret.node.defaultChild!); // the host in the secret
    resource.node.addDependency(provisioner.function); // which waits for the cluster to admit it
    // One user at a time per stack: concurrent CREATE ROLE / ALTER DEFAULT PRIVILEGES on one cluster can fail each
    // other. Only within a stack: a chain across stacks would make each service stack depend on the previous one.
    const previous = lastUserResource.get(host)?.get(Stack.of(this));
    if (previous) resource.node.addDependency(previous);
    if (!lastUserResource.has(host)) lastUserResource.set(host, new WeakMap());
    lastUserResource.get(host)!.set(Stack.of(this), resource);
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
      AdoptExistingRoles: props.adoptExistingRoles ? 'true' : undefined,
    });
    host.allowProxyIamUser?.(this.username); // the proxy logs in to the cluster as this user
    const link = DatabaseLink.fromValues({
      host: host.linkHost,
      readerHost: host.linkReaderHost,
      rdsProxy: host.registerWithProxy !== undefined,
      port: host.linkPort,
      databaseName,
      username: this.username,
      authentication: DatabaseAuthentication.IAM,
      region: host.region,
    });
    addUserLinkOutputs(this, this.moduleName, {
      secretArn: DatabaseLink.NO_SECRET,
      username: this.username,
      link: {
        cluster: host.moduleName,
        stack: Stack.of(host.scope).stackName,
        databaseName,
        authentication: DatabaseAuthentication.IAM,
        username: this.username,
        region: host.region,
      },
    }, () => throwPropError(this, {
      prop: 'moduleName',
      value: this.moduleName,
      allowed: 'a module name not used by another database or user in the same stack (it prefixes the output keys)',
      fix: 'give the user its own moduleName',
    }));
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

/** The last user resource of each cluster in each stack: the next one in that stack waits for it. */
const lastUserResource = new WeakMap<object, WeakMap<Stack, CustomResource>>();

/** What a user of `database` needs; refused for an IAuroraPostgres that is not this library's. */
function hostOf(user: Construct, database: IAuroraPostgres): UserHost {
  const host = userHostOf(database);
  if (!host) {
    throwPropError(user, {
      prop: 'database',
      value: database.node.path,
      allowed: 'an AuroraPostgres, or a cluster imported with AuroraPostgres.fromClusterAttributes',
      fix: 'import the cluster with AuroraPostgres.fromClusterAttributes(scope, id, { clusterIdentifier, ... })',
    });
  }
  return host;
}

/** `rds` + `order_items` -> `rdsOrderItems`. */
function defaultModuleName(clusterModuleName: string, username: string): string {
  return clusterModuleName + username.split('_').filter(Boolean).map(w => w[0].toUpperCase() + w.slice(1)).join('');
}
