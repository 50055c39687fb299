import { CustomResource, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct, IDependable } from 'constructs';
import { PropErrorDetails } from '../errors';
import { UserProvisioner } from './provisioner';
import { UserRotation } from './rotation';

/** What a cluster declares it can do for users: the users' part of its variant's capabilities. */
export interface UsersCapabilities {
  /** The cluster takes writes: not a global secondary (whose roles replicate from the primary). */
  readonly canWrite: boolean;
  /** Why users cannot be added to this cluster (a global secondary, a restore without `snapshotUsername`); undefined: they can. */
  readonly usersRefusal?: PropErrorDetails;
}

/** The cluster's RDS Proxy, as its users see it: the cluster constructs it from its own proxy. */
export interface UsersProxy {
  /** Its ARN (its `prx-` id is in the users' `rds-db:connect` resources). */
  readonly arn: string;
  /** How it logs in: 'PASSWORD' (registered secrets) or 'IAM' (end to end, no secret). */
  readonly authentication: 'PASSWORD' | 'IAM';
  /** Registers a password user's secret (the proxy logs in with it). */
  registerSecret(secret: secretsmanager.ISecret): void;
  /** Lets an IAM proxy log in to the cluster as an IAM user. */
  allowIamUser(username: string): void;
}

/** The master's rotation, as the cluster that owns it lets its users drive it. */
export interface MasterRotation {
  /** Turns the master's rotation on unless the owner chose (with users, nothing in Kubernetes needs the master password). */
  ensureOn(): void;
  /** The master's rotation schedule once configured: users' resources wait for it (Secrets Manager rotates at once). */
  schedule(): IDependable | undefined;
}

/** A global database the cluster belongs to. */
export interface UsersGlobalDatabase {
  /** The global database id (a primary's users' secrets are named after it). */
  readonly id: string;
  /** The cluster's role in it. */
  readonly role: 'primary' | 'secondary';
  /** A primary's: the regions its users' secrets are replicated to. */
  readonly secretReplicaRegions?: string[];
}

/** What `DatabaseUser` needs to know about the cluster it lives in (the cluster's construct gives it). */
export interface ClusterUsersProps {
  readonly capabilities: UsersCapabilities;
  readonly cluster: rds.IDatabaseCluster;
  /** The cluster's own resources (cluster, instances) that the users' SQL waits for; none for an imported cluster. */
  readonly clusterResources: IConstruct[];
  /** The value of the tag that marks the cluster's users' secrets (the provisioning function reads those). */
  readonly clusterTag: string;
  readonly masterSecret?: secretsmanager.ISecret;
  readonly masterUsername?: string;
  /** The cluster's database, when known. */
  readonly databaseName?: string;
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The writer endpoint host (the provisioning function connects there, never through a proxy). */
  readonly host: string;
  readonly port: number;
  /** Where the users' links point: the writer endpoint, or the RDS Proxy's endpoint (port 5432). */
  readonly linkHost: string;
  readonly linkPort: number;
  /** The links' reader host: the cluster reader endpoint, if any. */
  readonly linkReaderHost?: string;
  readonly moduleName: string;
  readonly global?: UsersGlobalDatabase;
  /** Whether the cluster has IAM database authentication on (`iamAuthentication`); unknown: undefined. */
  readonly iamAuthentication?: boolean;
  /** The cluster's resource id (`DbClusterResourceId`), which `rds-db:connect` names; unknown when imported. */
  readonly clusterResourceId?: string;
  /** The cluster's region (IAM tokens are signed for it). */
  readonly region: string;
  /** The cluster's RDS Proxy, if any. */
  readonly proxy?: UsersProxy;
  /** The master's rotation, when the cluster owns it (not for an imported cluster: its owner's business). */
  readonly masterRotation?: MasterRotation;
}

/** What a new user tells its cluster (`ClusterUsers.add`). */
export interface AddedUser {
  readonly username: string;
  /** A password user's secret; none for an IAM user. */
  readonly secret?: secretsmanager.ISecret;
}

/** The name of a global primary user's secret, and so of its replicas in the secondaries' regions. */
export function globalUserSecretName(globalClusterIdentifier: string, username: string): string {
  return `${globalClusterIdentifier}-${username}-credentials`;
}

/**
 * The users' side of one cluster, held by the cluster's construct (its `_users` member): the names taken, the
 * shared provisioning and rotation functions (children of the cluster's construct, created on first use), and
 * the cluster's collaborators (its proxy, its master rotation). Every user, whether added with `addDatabaseUser`
 * or `new DatabaseUser(scope, id, { database })`, goes through `add`.
 */
export class ClusterUsers {
  private readonly names = new Set<string>();
  /** The last user resource in each stack: the next one in that stack waits for it. */
  private readonly lastResource = new Map<Stack, CustomResource>();
  private sharedProvisioner?: UserProvisioner;
  private sharedRotation?: UserRotation;

  /**
   * @param owner the cluster's construct (the shared functions are its children)
   * @param props what users need to know about the cluster
   */
  constructor(public readonly owner: Construct, public readonly props: ClusterUsersProps) {}

  /** The user names added so far. */
  public usernames(): string[] {
    return [...this.names];
  }

  /** Whether a user of that name was added. */
  public isTaken(username: string): boolean {
    return this.names.has(username);
  }

  /**
   * The one way a user joins the cluster (validated already, its secret made if it has one), whether added with
   * `addDatabaseUser` or `new DatabaseUser(scope, id, { database })`: its name is taken, and the cluster does what
   * it owns: turns its master's rotation on, and registers the secret with its proxy (PASSWORD) or lets its IAM
   * proxy log in as the user (IAM).
   */
  public add(user: AddedUser): void {
    this.names.add(user.username);
    this.props.masterRotation?.ensureOn();
    if (user.secret) this.props.proxy?.registerSecret(user.secret);
    else this.props.proxy?.allowIamUser(user.username);
  }

  /** The cluster's one provisioning function, created on first use. */
  public provisioner(): UserProvisioner {
    this.sharedProvisioner ??= new UserProvisioner(this.owner, 'UserProvisioner', {
      vpc: this.props.vpc,
      vpcSubnets: this.props.vpcSubnets,
      cluster: this.props.cluster,
      masterSecret: this.props.masterSecret!,
      clusterTag: this.props.clusterTag,
    });
    return this.sharedProvisioner;
  }

  /** The cluster's one multi-user rotation function, created on first use. */
  public rotation(): UserRotation {
    this.sharedRotation ??= new UserRotation(this.owner, 'UserRotation', {
      vpc: this.props.vpc, vpcSubnets: this.props.vpcSubnets, cluster: this.props.cluster, masterSecret: this.props.masterSecret!,
    });
    return this.sharedRotation;
  }

  /**
   * Makes a user's resource wait for the cluster and its instances, the master's rotation, and the cluster's
   * previous user resource in the same stack (concurrent CREATE ROLE / ALTER DEFAULT PRIVILEGES on one cluster
   * can fail each other; only within a stack, so that service stacks do not depend on each other). The next
   * user in that stack waits for this one.
   */
  public sequence(resource: CustomResource): void {
    const schedule = this.props.masterRotation?.schedule();
    const stack = Stack.of(resource);
    const previous = this.lastResource.get(stack);
    this.lastResource.set(stack, resource);
    resource.node.addDependency(...this.props.clusterResources, ...schedule ? [schedule] : [], ...previous ? [previous] : []);
  }
}

/**
 * The users' side of `database`, or undefined for an `IAuroraPostgres` that is not this library's. Read by its
 * members, not `instanceof`, so that a cluster of another copy of this package is found too.
 */
export function clusterUsersOf(database: IConstruct): ClusterUsers | undefined {
  const users = (database as { _users?: ClusterUsers })._users;
  return typeof users?.add === 'function' && typeof users.provisioner === 'function' ? users : undefined;
}
