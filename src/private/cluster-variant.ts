import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SecretOptions } from './credentials';
import { PropErrorDetails } from './errors';

/** A cluster this library creates: a new one, or one restored from a snapshot. */
export type NewCluster = rds.DatabaseCluster | rds.DatabaseClusterFromSnapshot;

/** Props common to every kind of cluster this library creates (the base props of both L2 clusters). */
export type BaseClusterProps = Omit<rds.DatabaseClusterProps,
'credentials' | 'replicationSourceIdentifier' | 'manageMasterUserPassword' | 'defaultDatabaseName'>;

/** What every variant hands back to `AuroraPostgres`. */
export interface VariantResult {
  readonly cluster: NewCluster;
  /** The master credentials secret, if this variant has one (attached to the cluster where it is new). */
  readonly secret?: secretsmanager.ISecret;
  /** The secret resource this variant created, if any. */
  readonly generatedSecret?: secretsmanager.ISecret;
  /**
   * How the link names the secret: by name where the secret is referenced by name (a replica), else its ARN.
   */
  readonly secretName?: string;
  /** The Aurora Global Database this cluster belongs to, if any. */
  readonly globalClusterIdentifier?: string;
  /** The host applications connect to. */
  readonly host: string;
  /** The link's credentials: a value, a placeholder, or undefined for "read from the secret". */
  readonly username?: string;
  readonly databaseName?: string;
  readonly password?: string;
}

/** The parts every variant shares, already validated and defaulted by `AuroraPostgres`. */
export interface SharedClusterParts {
  /** Props common to every kind of `rds.DatabaseCluster*` this library creates (no database name). */
  readonly baseProps: BaseClusterProps;
  /** How a generated secret is named and replicated. */
  readonly secretOptions?: SecretOptions;
  /** The master user name (for variants that set or generate credentials). */
  readonly masterUsername: string;
  /** The database name given by the user, or the default. */
  readonly databaseName: string;
  /** Whether the user gave `databaseName` explicitly. */
  readonly databaseNameGiven: boolean;
}

/**
 * What a variant can do, declared by the variant itself (not inferred later from props or from errors): whether
 * it has a writer, whether database users, an RDS Proxy and rotation are possible, and if not, why (the details
 * of the error the library throws when they are asked for).
 */
export interface VariantCapabilities {
  /** Whether the cluster has a writer of its own (a global secondary is read-only). */
  readonly canWrite: boolean;
  /** Why `DatabaseUser`s cannot be added to this cluster; undefined: they can. */
  readonly usersRefusal?: PropErrorDetails;
  /** Why `proxy: true` is refused on this cluster; undefined: a proxy is possible. */
  readonly proxyRefusal?: PropErrorDetails;
  /**
   * Whether this stack creates (manages) the master credentials secret: only then can it rotate it (`rotation`,
   * or the automatic rotation once a database user is added).
   */
  readonly managedSecret: boolean;
}

/**
 * The base of the cluster variants (standard, restored from a snapshot, global primary, global secondary),
 * in the spirit of aws-cdk-lib's `DatabaseClusterNew`: `AuroraPostgres` builds the shared parts once, the
 * variant builds the cluster and says what the link knows about its credentials.
 */
export abstract class ClusterVariant {
  /** A short name for messages, e.g. 'standard' or 'global secondary'. */
  public abstract readonly name: string;

  /** The default instance class of this variant. */
  public abstract readonly defaultInstanceClass: string;

  /** Whether this variant is a member of an Aurora Global Database (burstable classes are refused). */
  public readonly isGlobal: boolean = false;

  /** What this variant can do (writer, users, proxy, rotation), and why not where it cannot. */
  public abstract readonly capabilities: VariantCapabilities;

  /** Builds the cluster under `scope` with the construct id `Cluster`. */
  public abstract create(scope: Construct, shared: SharedClusterParts): VariantResult;
}
