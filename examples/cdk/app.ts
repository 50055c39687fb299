// The example CDK app: `npx projen example` synthesizes it with the real `cdk` CLI, offline.
// In your own app, import from 'cdk-aurora-postgres' instead of '../../src'.
import { App, Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { AuroraPostgres, DatabaseAccess } from '../../src';

/** A VPC with public and private subnets in two AZs and flow logs, as a platform team would have. */
export class NetworkStack extends Stack {
  public readonly vpc: ec2.Vpc;
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    this.vpc.addFlowLog('FlowLog');
  }
}

export interface OrdersDbStackProps extends StackProps {
  readonly vpc: ec2.IVpc;
}

/** Opta's `postgres` module, the CDK way: one construct, safe defaults. */
export class OrdersDbStack extends Stack {
  constructor(scope: Construct, id: string, props: OrdersDbStackProps) {
    super(scope, id, props);
    const db = new AuroraPostgres(this, 'rds', {
      vpc: props.vpc,
      instanceClass: 'db.r6g.large',
      multiAz: true,
      databaseName: 'orders',
    });
    // The application's pods (here: a security group standing for the EKS nodes) may connect.
    const app = new ec2.SecurityGroup(this, 'AppNodes', { vpc: props.vpc, description: 'Application nodes' });
    db.connections.allowDefaultPortFrom(app, 'orders service');
    // The orders service logs in as a role of its own, never as the master user: reads and writes the tables of
    // its database, rotated every 30 days with alternating users (outputs rdsOrdersDb*, read by the cdk8s app).
    db.addDatabaseUser('orders', { username: 'orders', access: DatabaseAccess.READ_WRITE });
    // Its migrations run as the owner of the schema's objects.
    db.addDatabaseUser('migrator', { username: 'orders_migrator', access: DatabaseAccess.OWNER });
  }
}

/** Opta's `restore_from_snapshot`, with the credentials known: a new password is applied on restore. */
export class RestoredDbStack extends Stack {
  constructor(scope: Construct, id: string, props: OrdersDbStackProps) {
    super(scope, id, props);
    new AuroraPostgres(this, 'rds', {
      vpc: props.vpc,
      restoreFromSnapshot: `arn:aws:rds:${this.region}:${this.account}:cluster-snapshot:orders-before-migration`,
      // The snapshot's own version (required): aws rds describe-db-cluster-snapshots --db-cluster-snapshot-identifier
      // <snapshot> --query 'DBClusterSnapshots[0].EngineVersion'
      engineVersion: rds.AuroraPostgresEngineVersion.VER_16_6,
      snapshotUsername: 'postgres', // the snapshot's master user: without it, the link says UNKNOWN_SEE_ORIGINAL_DB
      databaseName: 'orders', // the snapshot's database, stated so the link knows it
    });
  }
}

/** Every member of a global database runs the same engine version, pinned (see the README's global database lifecycle). */
const GLOBAL_ENGINE_VERSION = rds.AuroraPostgresEngineVersion.VER_17_9;

/** Opta's `create_global_database`: this cluster is the primary; its secret is replicated to the secondary's region. */
export class GlobalPrimaryStack extends Stack {
  constructor(scope: Construct, id: string, props: OrdersDbStackProps & { readonly secondaryRegion: string }) {
    super(scope, id, props);
    new AuroraPostgres(this, 'rds', {
      vpc: props.vpc,
      instanceClass: 'db.r6g.large',
      databaseName: 'orders',
      engineVersion: GLOBAL_ENGINE_VERSION, // pinned, and the same on both sides
      createGlobalDatabase: true,
      globalDatabaseId: 'orders-global', // the secret is then 'orders-global-credentials'
      secretReplicaRegions: [props.secondaryRegion],
    });
  }
}

/** Opta's `existing_global_database_id`: a read-only secondary whose credentials come from the replicated secret. */
export class GlobalSecondaryStack extends Stack {
  constructor(scope: Construct, id: string, props: OrdersDbStackProps) {
    super(scope, id, props);
    new AuroraPostgres(this, 'rds', {
      vpc: props.vpc,
      instanceClass: 'db.r6g.large',
      engineVersion: GLOBAL_ENGINE_VERSION, // the primary's (its stack's rdsEngineVersion output)
      existingGlobalDatabaseId: 'orders-global',
      primarySecretName: 'orders-global-credentials',
    });
  }
}

/**
 * Every production option on: RDS Proxy (with a read-only endpoint, as there are readers), I/O-Optimized storage,
 * Database Insights advanced mode, Enhanced Monitoring and alarms that notify an encrypted SNS topic.
 */
export class ProductionDbStack extends Stack {
  constructor(scope: Construct, id: string, props: OrdersDbStackProps) {
    super(scope, id, props);
    const alarmKey = new kms.Key(this, 'AlarmTopicKey', { enableKeyRotation: true });
    // CloudWatch must be allowed to use the topic's key to publish.
    alarmKey.grantEncryptDecrypt(new iam.ServicePrincipal('cloudwatch.amazonaws.com'));
    const topic = new sns.Topic(this, 'DbAlarms', { masterKey: alarmKey, enforceSSL: true });
    const db = new AuroraPostgres(this, 'rds', {
      vpc: props.vpc,
      instanceClass: 'db.r6g.large',
      multiAz: true,
      databaseName: 'orders',
      proxy: true,
      storageType: rds.DBClusterStorageType.AURORA_IOPT1,
      databaseInsightsMode: rds.DatabaseInsightsMode.ADVANCED,
      monitoringInterval: Duration.seconds(60),
      alarms: { topic },
    });
    // The service's own user, behind the proxy: its secret is registered with the proxy. Alternating-user
    // rotation cannot work through a proxy (it reads only a secret's current version), so it is off here.
    db.addDatabaseUser('orders', { username: 'orders', databaseName: 'orders', rotation: false });
    const app = new ec2.SecurityGroup(this, 'AppNodes', { vpc: props.vpc, description: 'Application nodes' });
    db.connections.allowDefaultPortFrom(app, 'orders service, through the proxy');
  }
}

export function buildApp(app: App = new App()): App {
  const env = { account: '123456789012', region: 'us-east-1' };
  const west = { account: '123456789012', region: 'us-west-2' };
  const network = new NetworkStack(app, 'Network', { env });
  new OrdersDbStack(app, 'OrdersDb', { env, vpc: network.vpc });
  new RestoredDbStack(app, 'OrdersRestored', { env, vpc: network.vpc });
  new ProductionDbStack(app, 'OrdersProduction', { env, vpc: network.vpc });
  new GlobalPrimaryStack(app, 'OrdersGlobalPrimary', { env, vpc: network.vpc, secondaryRegion: west.region });
  // The two regions deploy separately (as in Opta): deploy the primary first, then the secondary.
  const westNetwork = new NetworkStack(app, 'NetworkWest', { env: west });
  new GlobalSecondaryStack(app, 'OrdersGlobalSecondary', { env: west, vpc: westNetwork.vpc });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
