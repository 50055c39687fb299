import { Annotations, ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DatabaseAuthentication } from './database-authentication';
import { DatabaseLink } from './database-link';
import { IAuroraPostgres } from './i-aurora-postgres';
import { IDatabaseUser } from './i-database-user';
import { throwPropError } from './private/errors';
import { dbUserArn } from './private/iam-connect';
import { UserHost, userHostOf } from './private/users/user-host';
import { isUsableUsername, usernamesOn } from './private/users/validate-user';

/** The Secrets Manager actions that reading a secret takes (as `ISecret.grantRead`). */
const READ_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'];

/** The name of a global primary user's secret, and so of its replicas. */
export function globalUserSecretName(globalClusterIdentifier: string, username: string): string {
  return `${globalClusterIdentifier}-${username}-credentials`;
}

/** What the secondary view needs to know about the secondary (a narrow view of `AuroraPostgres`). */
interface SecondaryInput {
  readonly secondary: IAuroraPostgres;
  readonly username: string;
  readonly rotationInterval?: Duration;
  readonly authentication?: DatabaseAuthentication;
  readonly databaseName?: string;
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
  private readonly iam: boolean;

  constructor(input: SecondaryInput) {
    const { secondary, username } = input;
    const globalId = secondary.globalClusterIdentifier;
    if (globalId === undefined || userHostOf(secondary)?.refusal?.prop !== 'existingGlobalDatabaseId') {
      throwPropError(secondary, {
        prop: 'secondary',
        value: secondary.node.path,
        allowed: 'an AuroraPostgres that is a global secondary (existingGlobalDatabaseId)',
        fix: 'use the user\'s own link (user.link) on the primary or a standard cluster',
      });
    }
    if (Token.isUnresolved(username) || !isUsableUsername(username)) {
      throwPropError(secondary, {
        prop: 'username',
        value: username,
        allowed: 'the literal name of a user added to the primary with addDatabaseUser: a lowercase letter, then lowercase letters, digits and underscores (57 at most), not reserved (rds*, pg_*, postgres, ...), not ending in _clone or _owner',
        fix: 'pass the username given to addDatabaseUser on the primary',
      });
    }
    this.username = username;
    const name = globalUserSecretName(globalId, username);
    const stack = Stack.of(secondary);
    // Secrets Manager appends 6 random characters to a secret's name in its ARN; a replica keeps the name.
    this.replicaArn = stack.formatArn({
      service: 'secretsmanager', resource: 'secret', resourceName: `${name}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.secondary = secondary;
    this.iam = input.authentication === DatabaseAuthentication.IAM;
    const port = Token.isUnresolved(secondary.link.port) ? undefined : Number(secondary.link.port);
    if (this.iam && input.databaseName === undefined) {
      throwPropError(secondary, {
        prop: 'databaseName',
        value: 'undefined',
        allowed: 'the user\'s database with DatabaseAuthentication.IAM: an IAM link names it (there is no secret to read it from)',
        fix: 'pass the databaseName given to addDatabaseUser on the primary',
      });
    }
    this.link = this.iam
      ? DatabaseLink.fromValues({
        host: secondary.link.host,
        readerHost: secondary.link.readerHost,
        rdsProxy: false, // no proxy on a secondary
        port,
        databaseName: input.databaseName,
        username,
        authentication: DatabaseAuthentication.IAM,
        region: stack.region,
      })
      : DatabaseLink.fromValues({
        host: secondary.link.host,
        readerHost: secondary.link.readerHost,
        rdsProxy: false, // no proxy on a secondary
        port,
        databaseName: input.databaseName,
        secretArn: name,
        rotationInterval: input.rotationInterval ?? Duration.days(30),
      });
    checkAgainstPrimary(secondary, globalId, username);
    checkVpcRegion(secondary);
  }

  public grantReadCredentials(grantee: iam.IGrantable): iam.Grant {
    if (this.iam) {
      throwPropError(this.secondary, {
        prop: 'authentication', value: 'IAM', allowed: 'grantReadCredentials only for a PASSWORD user: an IAM user has no secret', fix: 'use grantConnect',
      });
    }
    return iam.Grant.addToPrincipal({ grantee, actions: READ_ACTIONS, resourceArns: [this.replicaArn] });
  }

  /** `rds-db:connect` as the user on the secondary's cluster (its own resource id, in its region). */
  public grantConnect(grantee: iam.IGrantable): iam.Grant {
    if (!this.iam) {
      throwPropError(this.secondary, {
        prop: 'authentication',
        value: 'PASSWORD',
        allowed: 'grantConnect only for an IAM user: pass authentication: DatabaseAuthentication.IAM to fromSecondary (as on the primary)',
        fix: 'pass authentication: DatabaseAuthentication.IAM and databaseName, or use grantReadCredentials',
      });
    }
    const resourceArn = dbUserArn(this.secondary, { resourceId: this.secondary.cluster.clusterResourceIdentifier, username: this.username });
    return iam.Grant.addToPrincipal({ grantee, actions: ['rds-db:connect'], resourceArns: [resourceArn] });
  }
}

/** The primary of a global database in the same app, if it is there. */
function primaryIn(secondary: IAuroraPostgres, globalId: string): UserHost | undefined {
  for (const c of secondary.node.root.node.findAll()) {
    const host: UserHost | undefined = userHostOf(c);
    if (c !== secondary && host && host.globalClusterIdentifier === globalId && !host.refusal) return host;
  }
  return undefined;
}

/** With the primary in the same app: its secrets must be replicated to this region, and the user must exist. */
function checkAgainstPrimary(secondary: IAuroraPostgres, globalId: string, username: string): void {
  const primary = primaryIn(secondary, globalId);
  if (!primary) return;
  const region = Stack.of(secondary).region;
  const replicas = primary.secretReplicaRegions ?? [];
  if (!Token.isUnresolved(region) && !replicas.some(r => Token.isUnresolved(r)) && !replicas.includes(region)) {
    Annotations.of(secondary).addWarningV2('cdk-aurora-postgres:secretReplicaRegions',
      `The primary's users' secrets are replicated to ${replicas.length ? replicas.join(', ') : 'no region'}, not to ${region}: the replica '${globalUserSecretName(globalId, username)}' that DatabaseUser.fromSecondary reads will not exist here. Add '${region}' to the primary's secretReplicaRegions.`);
  }
  secondary.node.addValidation({
    validate: () => usernamesOn(primary).includes(username) ? [] : [
      `DatabaseUser.fromSecondary: invalid username '${username}'. Allowed: a user of the primary (${usernamesOn(primary).join(', ') || 'it has none'}). Fix: add it to the primary with addDatabaseUser, or pass the name of one of its users`,
    ],
  });
}

/** The secondary's VPC must be in the secondary's region. */
function checkVpcRegion(secondary: IAuroraPostgres): void {
  const vpcRegion = secondary.vpc.env.region;
  const region = Stack.of(secondary).region;
  if (!Token.isUnresolved(vpcRegion) && !Token.isUnresolved(region) && vpcRegion !== region) {
    Annotations.of(secondary).addWarningV2('cdk-aurora-postgres:vpcRegion',
      `The VPC is in ${vpcRegion}, but this secondary is in ${region}: a cluster lives in its own region's VPC. Pass a VPC of ${region} (the primary's VPC stays with the primary).`);
  }
}
