import { Annotations, ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DatabaseAuthentication } from './database-authentication';
import { DatabaseLink } from './database-link';
import { IAuroraPostgres } from './i-aurora-postgres';
import { IDatabaseUser } from './i-database-user';
import { DEFAULT_ROTATION_DAYS } from './private/defaults';
import { propErrorMessage, throwPropError } from './private/errors';
import { dbUserArn } from './private/iam-connect';
import { ClusterUsers, clusterUsersOf, globalUserSecretName } from './private/users/cluster-users';
import { validateGrantConnect, validateGrantReadCredentials } from './private/users/iam-user';
import { isUsableUsername, USABLE_USERNAME_RULE } from './private/users/validate-user';

/** The Secrets Manager actions that reading a secret takes (as `ISecret.grantRead`). */
const READ_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];

/** What the secondary view needs to know about the secondary (a narrow view of `AuroraPostgres`). */
interface SecondaryInput {
  readonly secondary: IAuroraPostgres;
  readonly username: string;
  readonly rotationInterval?: Duration;
  readonly authentication?: DatabaseAuthentication;
  readonly databaseName?: string;
}

/** The secondary view's options after validation. */
interface ValidatedSecondaryUser {
  readonly secondary: IAuroraPostgres;
  readonly globalId: string;
  readonly username: string;
  readonly iamUser: boolean;
  readonly databaseName?: string;
  /** How often the primary rotates the user's password (default 30 days). */
  readonly rotationInterval: Duration;
}

/**
 * A user of a global database's primary, seen from a secondary's region: the secondary's endpoints, and the
 * replica of the user's secret in the secondary's region (`<globalDatabaseId>-<username>-credentials`).
 */
export class SecondaryDatabaseUser implements IDatabaseUser {
  public readonly username: string;
  public readonly link: DatabaseLink;
  private readonly replicaArn: string;
  private readonly secondary: IAuroraPostgres;
  private readonly authentication: DatabaseAuthentication;

  constructor(input: SecondaryInput) {
    const { secondary, globalId, username, iamUser, databaseName, rotationInterval } = validateSecondaryUser(input);
    this.username = username;
    this.secondary = secondary;
    this.authentication = iamUser ? DatabaseAuthentication.IAM : DatabaseAuthentication.PASSWORD;
    const name = globalUserSecretName(globalId, username);
    const stack = Stack.of(secondary);
    // Secrets Manager appends 6 random characters to a secret's name in its ARN; a replica keeps the name.
    this.replicaArn = stack.formatArn({
      service: 'secretsmanager', resource: 'secret', resourceName: `${name}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const credentials = iamUser
      ? { username, authentication: DatabaseAuthentication.IAM, region: stack.region }
      : { secretArn: name, rotationInterval };
    this.link = DatabaseLink.fromValues({
      host: secondary.link.host,
      readerHost: secondary.link.readerHost,
      rdsProxy: false, // no proxy on a secondary
      port: Token.isUnresolved(secondary.link.port) ? undefined : Number(secondary.link.port),
      databaseName,
      ...credentials,
    });
  }

  public grantReadCredentials(grantee: iam.IGrantable): iam.Grant {
    validateGrantReadCredentials(this.secondary, this.authentication);
    return iam.Grant.addToPrincipal({ grantee, actions: READ_ACTIONS, resourceArns: [this.replicaArn] });
  }

  /** `rds-db:connect` as the user on the secondary's cluster (its own resource id, in its region). */
  public grantConnect(grantee: iam.IGrantable): iam.Grant {
    validateGrantConnect(this.secondary, this.authentication,
      'pass authentication: DatabaseAuthentication.IAM and databaseName to fromSecondary (as given on the primary), or use grantReadCredentials');
    const resourceArn = dbUserArn(this.secondary, { resourceId: this.secondary.cluster.clusterResourceIdentifier, username: this.username });
    return iam.Grant.addToPrincipal({ grantee, actions: ['rds-db:connect'], resourceArns: [resourceArn] });
  }
}

/**
 * Every rule of the secondary view, before anything is built: a global secondary, a usable name, IAM's database,
 * and, with the primary in the same app, its replica regions and users (warnings, and a check at synth).
 */
function validateSecondaryUser(input: SecondaryInput): ValidatedSecondaryUser {
  const { secondary, username } = input;
  const globalId = secondary.globalClusterIdentifier;
  if (globalId === undefined || clusterUsersOf(secondary)?.props.global?.role !== 'secondary') {
    throwPropError(secondary, {
      code: 'SECONDARY_USER_NOT_ON_SECONDARY',
      prop: 'secondary',
      value: secondary.node.path,
      allowed: 'an AuroraPostgres that is a global secondary (existingGlobalDatabaseId)',
      fix: 'use the user\'s own link (user.link) on the primary or a standard cluster',
    });
  }
  if (Token.isUnresolved(username) || !isUsableUsername(username)) {
    throwPropError(secondary, {
      code: 'SECONDARY_USER_NAME_INVALID',
      prop: 'username',
      value: username,
      allowed: `the literal name of a user added to the primary with addDatabaseUser: ${USABLE_USERNAME_RULE}`,
      fix: 'pass the username given to addDatabaseUser on the primary',
    });
  }
  const iamUser = input.authentication === DatabaseAuthentication.IAM;
  if (iamUser && input.databaseName === undefined) {
    throwPropError(secondary, {
      code: 'SECONDARY_USER_IAM_DATABASE_NAME_MISSING',
      prop: 'databaseName',
      value: undefined,
      allowed: 'the user\'s database with DatabaseAuthentication.IAM: an IAM link names it (there is no secret to read it from)',
      fix: 'pass the databaseName given to addDatabaseUser on the primary',
    });
  }
  validateAgainstPrimary(secondary, globalId, username);
  warnAboutVpcRegion(secondary);
  return {
    secondary,
    globalId,
    username,
    iamUser,
    databaseName: input.databaseName,
    rotationInterval: input.rotationInterval ?? Duration.days(DEFAULT_ROTATION_DAYS),
  };
}

/** The primary of a global database in the same app, if it is there. */
function primaryIn(secondary: IAuroraPostgres, globalId: string): ClusterUsers | undefined {
  for (const c of secondary.node.root.node.findAll()) {
    const users = clusterUsersOf(c);
    if (users?.props.global?.role === 'primary' && users.props.global.id === globalId) return users;
  }
  return undefined;
}

/** With the primary in the same app: its secrets must be replicated to this region, and the user must exist. */
function validateAgainstPrimary(secondary: IAuroraPostgres, globalId: string, username: string): void {
  const primary = primaryIn(secondary, globalId);
  if (!primary) return;
  const region = Stack.of(secondary).region;
  const replicas = primary.props.global?.secretReplicaRegions ?? [];
  if (!Token.isUnresolved(region) && !replicas.some(r => Token.isUnresolved(r)) && !replicas.includes(region)) {
    Annotations.of(secondary).addWarningV2('cdk-aurora-postgres:secretReplicaRegions',
      `The primary's users' secrets are replicated to ${replicas.length ? replicas.join(', ') : 'no region'}, not to ${region}: the replica '${globalUserSecretName(globalId, username)}' that DatabaseUser.fromSecondary reads will not exist here. Add '${region}' to the primary's secretReplicaRegions.`);
  }
  // At synth: the primary's users may be added after this view.
  secondary.node.addValidation({
    validate: () => primary.isTaken(username) ? [] : [propErrorMessage('DatabaseUser.fromSecondary', {
      code: 'SECONDARY_USER_NOT_ON_PRIMARY',
      prop: 'username',
      value: username,
      allowed: `a user of the primary (${primary.usernames().join(', ') || 'it has none'})`,
      fix: 'add it to the primary with addDatabaseUser, or pass the name of one of its users',
    })],
  });
}

/** The secondary's VPC must be in the secondary's region (a warning). */
function warnAboutVpcRegion(secondary: IAuroraPostgres): void {
  const vpcRegion = secondary.vpc.env.region;
  const region = Stack.of(secondary).region;
  if (!Token.isUnresolved(vpcRegion) && !Token.isUnresolved(region) && vpcRegion !== region) {
    Annotations.of(secondary).addWarningV2('cdk-aurora-postgres:vpcRegion',
      `The VPC is in ${vpcRegion}, but this secondary is in ${region}: a cluster lives in its own region's VPC. Pass a VPC of ${region} (the primary's VPC stays with the primary).`);
  }
}
