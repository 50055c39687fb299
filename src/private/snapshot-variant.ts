import { Annotations, Validations } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { DatabaseLink } from '../database-link';
import { ClusterVariant, SharedClusterParts, VariantCapabilities, VariantResult } from './cluster-variant';
import { generatedSecret } from './credentials';
import { STANDARD_INSTANCE_CLASS } from './standard-variant';

/**
 * A cluster restored from an Aurora cluster snapshot (Opta's `restore_from_snapshot`). The master user name
 * cannot change on restore; with `snapshotUsername` a new password is generated and applied, so the
 * credentials are known. Without it they are the snapshot's and stay unknown here.
 */
export class SnapshotVariant extends ClusterVariant {
  public readonly name = 'restored from a snapshot';
  public readonly defaultInstanceClass = STANDARD_INSTANCE_CLASS;
  public readonly capabilities: VariantCapabilities;

  constructor(private readonly snapshotIdentifier: string, private readonly snapshotUsername: string | undefined) {
    super();
    // With snapshotUsername a new password is generated into a secret of this stack; without it, none exists.
    this.capabilities = snapshotUsername !== undefined ? { canWrite: true, managedSecret: true } : {
      canWrite: true,
      managedSecret: false,
      usersRefusal: {
        code: 'USERS_WITHOUT_MASTER_CREDENTIALS',
        prop: 'snapshotUsername',
        value: undefined,
        allowed: 'users only on a restored cluster whose master credentials this stack knows',
        fix: 'set snapshotUsername to the master user of the snapshot\'s source cluster',
      },
      proxyRefusal: {
        code: 'PROXY_WITHOUT_SECRET',
        prop: 'proxy',
        value: true,
        allowed: `only on a database with a credentials secret (RDS Proxy logs in with Secrets Manager secrets); this cluster is ${this.name} without one`,
        fix: 'set snapshotUsername so that a secret is generated and applied on restore, or drop proxy',
      },
    };
  }

  public create(scope: Construct, shared: SharedClusterParts): VariantResult {
    const unknown = DatabaseLink.UNKNOWN_SEE_ORIGINAL_DB;
    // The database name is the snapshot's (RDS ignores DatabaseName on restore); the user may state it.
    const databaseName = shared.databaseNameGiven ? shared.databaseName : undefined;
    const secret = this.snapshotUsername === undefined
      ? undefined
      : generatedSecret(scope, this.snapshotUsername, databaseName, shared.secretOptions);
    const cluster = new rds.DatabaseClusterFromSnapshot(scope, 'Cluster', {
      ...shared.baseProps,
      snapshotIdentifier: this.snapshotIdentifier,
      snapshotCredentials: secret ? rds.SnapshotCredentials.fromSecret(secret) : undefined,
    });

    if (secret) {
      // CloudFormation restores the snapshot, then sets the new password. RDS takes no user name on a restore
      // (the snapshot's stays; CloudFormation's docs: do not specify MasterUsername with SnapshotIdentifier),
      // so the template sets MasterUserPassword alone. The built-in validator's rule F3021 (MasterUserPassword
      // requires MasterUsername) holds for new clusters only.
      Validations.of(cluster).acknowledge({
        id: 'CloudFormation-Validate::F3021',
        reason: 'A restore from a snapshot takes a new MasterUserPassword without MasterUsername: the user name is the snapshot\'s and cannot change.',
      });
    } else {
      // Our own warning below says what to do; CDK's speaks of a generated secret this construct never creates.
      Annotations.of(cluster).acknowledgeWarning('@aws-cdk/aws-rds:generatedCredsNotApplied',
        'cdk-aurora-postgres creates no secret for a restore without snapshotUsername (it warns instead).');
      Annotations.of(scope).addWarningV2('cdk-aurora-postgres:snapshotCredentialsUnknown',
        `restoreFromSnapshot without snapshotUsername: user, password and database name are the snapshot's and unknown here, so the link says ${unknown}. `
        + 'Fix: set snapshotUsername to the master user of the snapshot\'s source cluster; a new password is then generated into Secrets Manager and applied.');
    }

    return {
      cluster,
      secret: cluster.secret,
      generatedSecret: secret,
      host: cluster.clusterEndpoint.hostname,
      username: this.snapshotUsername ?? unknown,
      password: secret ? undefined : unknown,
      databaseName: databaseName ?? unknown,
    };
  }
}
