import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DatabaseLink } from '../database-link';
import { ClusterVariant, SharedClusterParts, VariantResult } from './cluster-variant';
import { GLOBAL_INSTANCE_CLASS } from './global-primary-variant';

/**
 * A cluster in this stack's region that joins an existing Aurora Global Database as a secondary (Opta's
 * `existing_global_database_id`). RDS refuses a user name, password or database name on such a cluster; its
 * credentials are the primary's, known here only through the replica of the primary's secret.
 */
export class GlobalSecondaryVariant extends ClusterVariant {
  public readonly name = 'global secondary';
  public readonly defaultInstanceClass = GLOBAL_INSTANCE_CLASS;
  public readonly isGlobal = true;

  constructor(private readonly globalClusterIdentifier: string, private readonly primarySecretName: string | undefined) {
    super();
  }

  public create(scope: Construct, shared: SharedClusterParts): VariantResult {
    // aws-cdk-lib has no L2 support for global secondaries (aws/aws-cdk#22212). A cluster with a replication
    // source renders no MasterUsername or MasterUserPassword; the source is then swapped for the global
    // cluster's identifier, and the default secret DatabaseCluster still generates (never applied) is dropped.
    const cluster = new rds.DatabaseCluster(scope, 'Cluster', {
      ...shared.baseProps,
      replicationSourceIdentifier: this.globalClusterIdentifier,
    });
    const cfn = cluster.node.defaultChild as rds.CfnDBCluster;
    cfn.replicationSourceIdentifier = undefined;
    cfn.globalClusterIdentifier = this.globalClusterIdentifier;
    cluster.node.tryRemoveChild('Secret');

    const unknown = DatabaseLink.UNKNOWN_SEE_PRIMARY_DB;
    const secret = this.primarySecretName === undefined
      ? undefined
      : secretsmanager.Secret.fromSecretNameV2(scope, 'PrimarySecretReplica', this.primarySecretName);
    return {
      cluster,
      secret,
      globalClusterIdentifier: this.globalClusterIdentifier,
      // Opta's choice: a secondary is read-only, so the link points at its reader endpoint.
      host: cluster.clusterReadEndpoint.hostname,
      // Read from the replica of the primary's secret (which holds username, password and dbname), by name.
      secretName: this.primarySecretName,
      username: secret ? undefined : unknown,
      password: secret ? undefined : unknown,
      databaseName: secret ? undefined : unknown,
    };
  }
}
