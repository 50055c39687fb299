import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { ClusterVariant, SharedClusterParts, VariantCapabilities, VariantResult } from './cluster-variant';
import { generatedSecret } from './credentials';

/** The default instance class of a standard cluster: the cheapest Graviton class Aurora PostgreSQL offers. */
export const STANDARD_INSTANCE_CLASS = 'db.t4g.medium';

/** A new cluster with a generated master password in Secrets Manager. */
export class StandardVariant extends ClusterVariant {
  public readonly name = 'standard';
  public readonly defaultInstanceClass = STANDARD_INSTANCE_CLASS;
  public readonly capabilities: VariantCapabilities = { canWrite: true, managedSecret: true };

  public create(scope: Construct, shared: SharedClusterParts): VariantResult {
    const secret = generatedSecret(scope, shared.masterUsername, shared.databaseName, shared.secretOptions);
    const cluster = new rds.DatabaseCluster(scope, 'Cluster', {
      ...shared.baseProps,
      defaultDatabaseName: shared.databaseName,
      credentials: rds.Credentials.fromSecret(secret, shared.masterUsername),
    });
    return {
      cluster,
      secret: cluster.secret,
      generatedSecret: secret,
      host: cluster.clusterEndpoint.hostname,
      username: shared.masterUsername,
      databaseName: shared.databaseName,
    };
  }
}
