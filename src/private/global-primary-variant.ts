import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { ClusterVariant, SharedClusterParts, VariantCapabilities, VariantResult } from './cluster-variant';

/** The default instance class of both global variants: Aurora Global Database takes no burstable class. */
export const GLOBAL_INSTANCE_CLASS = 'db.r6g.large';

/** The name of the primary's credentials secret, and so of its replicas in the secondaries' regions. */
export function globalSecretName(globalClusterIdentifier: string): string {
  return `${globalClusterIdentifier}-credentials`;
}

/**
 * Makes a new or restored cluster the primary of a new Aurora Global Database (Opta's
 * `create_global_database`): an `AWS::RDS::GlobalCluster` built from it, and a credentials secret with a
 * deterministic name, replicated to the secondaries' regions.
 */
export class GlobalPrimaryVariant extends ClusterVariant {
  public readonly name = 'global primary';
  public readonly defaultInstanceClass = GLOBAL_INSTANCE_CLASS;
  public readonly isGlobal = true;
  /** The primary can do what the cluster it makes global can (a new one, or one restored with its credentials). */
  public readonly capabilities: VariantCapabilities;

  constructor(
    private readonly cluster: ClusterVariant,
    private readonly globalClusterIdentifier: string,
    private readonly replicaRegions: string[],
  ) {
    super();
    this.capabilities = cluster.capabilities;
  }

  public create(scope: Construct, shared: SharedClusterParts): VariantResult {
    const result = this.cluster.create(scope, {
      ...shared,
      secretOptions: { secretName: globalSecretName(this.globalClusterIdentifier), replicaRegions: this.replicaRegions },
    });
    // Only the source cluster: engine, version and encryption come from it (setting them too is refused).
    const global = new rds.CfnGlobalCluster(scope, 'GlobalCluster', {
      globalClusterIdentifier: this.globalClusterIdentifier,
      sourceDbClusterIdentifier: result.cluster.clusterArn,
      deletionProtection: shared.baseProps.deletionProtection,
    });
    // The identifier is a literal: secondaries in other regions must name it literally anyway.
    return { ...result, globalClusterIdentifier: global.globalClusterIdentifier };
  }
}
