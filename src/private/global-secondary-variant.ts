import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DatabaseLink } from '../database-link';
import { ClusterVariant, SharedClusterParts, VariantCapabilities, VariantResult } from './cluster-variant';
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
  public readonly capabilities: VariantCapabilities;

  constructor(private readonly globalClusterIdentifier: string, private readonly primarySecretName: string | undefined) {
    super();
    // AWS supports RDS Proxy on every member of a global database, but on a secondary the proxy's default
    // (read/write) endpoint has no writer to route to, and the secret it must log in with is a replica whose full
    // ARN (with its random suffix) is unknown at synth time.
    this.capabilities = {
      canWrite: false,
      managedSecret: false,
      usersRefusal: {
        code: 'USERS_ON_GLOBAL_SECONDARY',
        prop: 'existingGlobalDatabaseId',
        value: globalClusterIdentifier,
        allowed: 'users only on a cluster that can write: a secondary is read-only and gets its roles from the primary',
        fix: 'add the user to the primary\'s AuroraPostgres, and link to it here with DatabaseUser.linkOnSecondary(secondary, username)',
      },
      proxyRefusal: {
        code: 'PROXY_ON_GLOBAL_SECONDARY',
        prop: 'proxy',
        value: true,
        allowed: 'only on a cluster with a writer and a credentials secret of its own stack: this cluster is a global secondary, whose proxy would have no writer behind its default endpoint and could not name the replicated secret by its full ARN (RDS Proxy needs it)',
        fix: 'put the proxy in the primary\'s stack (proxy: true there); after a promotion, deploy the promoted cluster as a primary with proxy: true',
      },
    };
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
    // cluster.secret is the generated secret's attachment (a child of the secret): remove the secret it hangs on.
    const unused = cluster.secret?.node.scope;
    if (unused) cluster.node.tryRemoveChild(unused.node.id);

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
