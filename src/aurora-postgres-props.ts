import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AuroraPostgresAlarmOptions } from './aurora-postgres-alarms';
import { ProxyOptions } from './proxy-options';

/**
 * Properties of an `AuroraPostgres` cluster.
 */
export interface AuroraPostgresProps {
  /**
   * The VPC to place the cluster in. The cluster goes into its private subnets only.
   */
  readonly vpc: ec2.IVpc;

  /**
   * Which private subnets of `vpc` to use. Public subnets are refused.
   *
   * @default - the VPC's private subnets with egress, or its isolated subnets if it has no such subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The RDS instance class of every instance, `db.<family>.<size>` (Opta's `instance_class`), or
   * `'serverless'` (also RDS's own name `'db.serverless'`) for Aurora Serverless v2 (see
   * `serverlessV2MinCapacity`). Checked against the families and sizes Aurora PostgreSQL offers: an
   * unsupported family or size is an error, a family this library does not know yet a warning. Aurora Global
   * Database members cannot use burstable (`db.t*`) classes. A CDK token is not checked and must stand for a
   * provisioned class.
   *
   * @default 'db.t4g.medium'; 'db.r6g.large' for either side of a global database
   */
  readonly instanceClass?: string;

  /**
   * With `instanceClass: 'serverless'`: the least Aurora capacity units (ACUs) each instance scales down to,
   * 0 to 256 in steps of 0.5. 0 pauses idle instances (auto-pause), the cheapest development database; it
   * needs Aurora PostgreSQL 13.15, 14.12, 15.7, 16.3 or newer, and the first connection after a pause waits
   * for the instance to resume (around 15 seconds).
   *
   * @default 0.5
   */
  readonly serverlessV2MinCapacity?: number;

  /**
   * With `instanceClass: 'serverless'`: the most ACUs each instance scales up to, 1 to 256 in steps of 0.5.
   *
   * @default 2
   */
  readonly serverlessV2MaxCapacity?: number;

  /**
   * With `serverlessV2MinCapacity: 0`: how long an instance is idle before it pauses, 5 minutes to 1 day.
   *
   * @default Duration.minutes(5)
   */
  readonly serverlessV2AutoPauseDuration?: Duration;

  /**
   * The Aurora PostgreSQL engine version, published as the output `<moduleName>EngineVersion`. Required with
   * `restoreFromSnapshot` (the restore request carries it: give the snapshot's version) and on both sides of a
   * global database (every member runs the same version; a pinned version never moves with an upgrade of this
   * library, which RDS would refuse for a global member).
   *
   * @default rds.AuroraPostgresEngineVersion.VER_17_9 on a new standalone cluster; required otherwise
   */
  readonly engineVersion?: rds.AuroraPostgresEngineVersion;

  /**
   * A writer plus one reader, placed in another Availability Zone (Opta's `multi_az`), so a failover does
   * not wait for a new instance. Cannot be combined with `instances`.
   *
   * @default false
   */
  readonly multiAz?: boolean;

  /**
   * The total number of instances: one writer plus `instances - 1` readers, spread over the subnets'
   * Availability Zones. From 1 to 16. Cannot be combined with `multiAz`.
   *
   * @default 1 (2 with `multiAz`)
   */
  readonly instances?: number;

  /**
   * The name of the database created in the cluster (Opta's `database_name`). On a restored cluster the
   * database is the snapshot's: give its name here so the link knows it (required on a restored global
   * primary, whose replicated secret must hold it). Not allowed on a global secondary.
   *
   * @default 'app'; `UNKNOWN_SEE_ORIGINAL_DB` on a restored cluster
   */
  readonly databaseName?: string;

  /**
   * The master user name of a new cluster (a restored cluster keeps the snapshot's: see `snapshotUsername`).
   *
   * @default 'postgres'
   */
  readonly masterUsername?: string;

  /**
   * The PostgreSQL port.
   *
   * @default 5432
   */
  readonly port?: number;

  /**
   * How long automated backups are kept (Opta's `backup_retention_days`): whole days from 1 to 35.
   *
   * @default Duration.days(7)
   */
  readonly backupRetention?: Duration;

  /**
   * The daily UTC window for automated backups, `hh24:mi-hh24:mi`, at least 30 minutes.
   *
   * @default - a 30-minute window chosen by RDS
   */
  readonly preferredBackupWindow?: string;

  /**
   * The weekly UTC maintenance window, `ddd:hh24:mi-ddd:hh24:mi`.
   *
   * @default - a 30-minute window chosen by RDS
   */
  readonly preferredMaintenanceWindow?: string;

  /**
   * Whether the cluster refuses to be deleted (Opta's `safety`). Opta defaulted to false; here the default
   * is true: turn it off in a deployment of its own before you delete the stack or the cluster.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to the cluster when it is removed from the stack or replaced.
   *
   * @default RemovalPolicy.SNAPSHOT - a final snapshot is kept
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * More security groups for the cluster (Opta's `extra_security_groups_ids`).
   *
   * @default - none
   */
  readonly extraSecurityGroups?: ec2.ISecurityGroup[];

  /**
   * Whether the cluster's security group admits the PostgreSQL port from the VPC's (primary) CIDR block, as
   * Opta did. Turn it off to admit only what you allow with `connections.allowDefaultPortFrom(...)`.
   *
   * @default true
   */
  readonly allowFromVpcCidr?: boolean;

  /**
   * The KMS key that encrypts storage, Performance Insights and snapshots. Storage is always encrypted.
   *
   * @default - a new KMS key with yearly rotation, retained when the stack is deleted (snapshots need it)
   */
  readonly storageEncryptionKey?: kms.IKey;

  /**
   * Whether IAM database authentication is enabled: IAM principals granted with `grantConnect` log in with
   * short-lived tokens as a PostgreSQL role that is granted `rds_iam`. Roles without `rds_iam` keep logging in
   * with their passwords; a role granted `rds_iam` can no longer log in with its password, so never grant it
   * to the master user.
   *
   * @default true
   */
  readonly iamAuthentication?: boolean;

  /**
   * Whether Secrets Manager rotates the master password (single-user rotation, by a Lambda function in the
   * cluster's subnets, which must reach the Secrets Manager API through NAT or a VPC endpoint).
   *
   * Off by default while services may log in as the master user: Kubernetes pods read env vars once at start,
   * so a rotated password reaches them only after a rollout, and until then they fail to open new connections.
   * Once the cluster has a database user (`addDatabaseUser`), nothing in Kubernetes needs the master password,
   * and the default turns to on. Set it explicitly to decide either way.
   *
   * @default - false; true once `addDatabaseUser` has added a user
   */
  readonly rotation?: boolean;

  /**
   * How often the password is rotated when `rotation` is on.
   *
   * @default Duration.days(30)
   */
  readonly rotationInterval?: Duration;

  /**
   * How long the exported `postgresql` log is kept in CloudWatch Logs. Setting it adds CDK's log-retention
   * Lambda function to the stack.
   *
   * @default - the log group is created by RDS and its events never expire
   */
  readonly cloudwatchLogsRetention?: logs.RetentionDays;

  /**
   * Whether the server refuses connections without TLS: sets the cluster parameter `rds.force_ssl` to `1`
   * (`false` sets it to `0`, the engine's default, so that turning it off takes effect). Clients then need
   * `sslmode=require` or stricter; libpq's default `prefer` uses TLS when the server offers it. A
   * `parameters['rds.force_ssl']` that contradicts it is refused.
   *
   * @default true
   */
  readonly requireTls?: boolean;

  /**
   * More cluster parameters, e.g. `{ 'log_min_duration_statement': '1000' }`, merged with `rds.force_ssl`
   * from `requireTls` into the cluster parameter group this construct creates.
   *
   * @default - only `rds.force_ssl` (see `requireTls`)
   */
  readonly parameters?: { [name: string]: string };

  /**
   * Whether instances take minor engine upgrades in the maintenance window.
   *
   * @default true
   */
  readonly autoMinorVersionUpgrade?: boolean;

  /**
   * A fixed cluster identifier. A fixed name prevents CloudFormation from replacing the cluster.
   *
   * @default - a name generated by CloudFormation
   */
  readonly clusterIdentifier?: string;

  /**
   * Restore the cluster from this Aurora cluster snapshot (Opta's `restore_from_snapshot`): its ARN, or its
   * id when it is in this account and region. A snapshot in another region must be copied here first.
   * Requires `engineVersion`: the snapshot's version (`aws rds describe-db-cluster-snapshots
   * --db-cluster-snapshot-identifier <snapshot> --query 'DBClusterSnapshots[0].EngineVersion'`).
   *
   * Keep this prop once the cluster exists: CloudFormation replaces a cluster whose `SnapshotIdentifier` is
   * removed or changed with a new, empty one. `deletionProtection` (which makes that replacement fail) and the
   * SNAPSHOT `removalPolicy` (which keeps a final snapshot of the replaced cluster) guard the data by default.
   *
   * @default - a new, empty cluster
   */
  readonly restoreFromSnapshot?: string;

  /**
   * The master user name of the snapshot's source cluster. With it, a new password is generated into Secrets
   * Manager and applied to the restored cluster, so the link knows user and password. Without it they are
   * `UNKNOWN_SEE_ORIGINAL_DB`. Required on a restored global primary (the secondaries read its secret).
   *
   * @default - user and password stay the snapshot's, unknown to this construct
   */
  readonly snapshotUsername?: string;

  /**
   * Make this cluster the primary of a new Aurora Global Database (Opta's `create_global_database`).
   * Its credentials secret is named `<globalDatabaseId>-credentials` and replicated to `secretReplicaRegions`.
   *
   * @default false
   */
  readonly createGlobalDatabase?: boolean;

  /**
   * The identifier of the global database created with `createGlobalDatabase`, in lower case (RDS stores it
   * so, and it names the secret `<globalDatabaseId>-credentials`). Give it explicitly: the default changes
   * with the stack name and `moduleName`, and the named global cluster cannot be replaced.
   *
   * @default - `<stackName>-<moduleName>`, lowercased, non-alphanumerics as hyphens
   */
  readonly globalDatabaseId?: string;

  /**
   * Regions the primary's credentials secret is replicated to (the secondaries' regions), with
   * `createGlobalDatabase`.
   *
   * @default - no replicas
   */
  readonly secretReplicaRegions?: string[];

  /**
   * Join this existing Aurora Global Database as a secondary cluster in this stack's region (Opta's
   * `existing_global_database_id`), in lower case. `engineVersion` is required: the primary's (its
   * `<moduleName>EngineVersion` output). The link's host is this
   * cluster's reader endpoint: a secondary is read-only (see docs/variants.md for the write options).
   *
   * @default - not a secondary
   */
  readonly existingGlobalDatabaseId?: string;

  /**
   * On a secondary: the name of the primary's credentials secret, replicated into this region
   * (`<globalDatabaseId>-credentials` when the primary is an `AuroraPostgres`). The link then reads user,
   * password and database name from the replica.
   *
   * @default - user, password and database name are `UNKNOWN_SEE_PRIMARY_DB`
   */
  readonly primarySecretName?: string;

  /**
   * Put an RDS Proxy in front of the cluster: in the cluster's subnets, TLS required (whatever `requireTls`
   * says), the master secret and every database user's secret registered, with a security group of its own that
   * the cluster admits. Database users then need `rotation: false`: the proxy cannot follow alternating-user
   * rotation (it reads only the current version of a secret). The VPC-CIDR rule
   * (`allowFromVpcCidr`) then admits clients to the proxy instead of the cluster, `connections` is the
   * proxy's, and the link (and the `<moduleName>DbHost` output) points at the proxy's endpoint, port 5432
   * (the port RDS Proxy listens on for PostgreSQL). With readers, the link's `readerHost` is the cluster's reader
   * endpoint, not the proxy's read-only endpoint (`verify-full` fails on proxy endpoints you create: their
   * certificate names only the default endpoint), on the cluster's port, which must then be 5432 (else the link
   * has no reader host); the VPC-CIDR rule then admits clients to the cluster too. Clients that verify the server need the Amazon
   * Trust Services roots as well as the RDS CA (`PostgresLinkChart`'s bundle has both): the proxy's certificates are
   * not signed by the RDS CA.
   *
   * Cost: RDS Proxy bills per vCPU of the instances behind it (per ACU on Serverless v2, with a minimum of 8
   * ACUs). Not on a global secondary, nor on a restore without `snapshotUsername` (no secret to log in with), nor
   * with `serverlessV2MinCapacity: 0` (a proxy keeps the instances from pausing). Pool settings and the name:
   * `proxyOptions`.
   *
   * @default false
   */
  readonly proxy?: boolean;

  /**
   * With `proxy: true`: the proxy's name and pool settings (see `ProxyOptions`), checked against AWS's ranges.
   *
   * @default - a unique generated name and RDS's defaults
   */
  readonly proxyOptions?: ProxyOptions;

  /**
   * Whether to add a Secrets Manager interface endpoint (private DNS on, in the cluster's subnets) to the VPC when
   * the cluster is in isolated subnets of a VPC defined in this app that has none, as soon as something here calls
   * Secrets Manager from those subnets (the user provisioning function of `addDatabaseUser`, the rotation
   * functions). Without a route to Secrets Manager those functions hang until they time out. One endpoint serves
   * every database in the VPC; it is billed per Availability Zone and hour (an estimate: about $7 a month per AZ
   * in us-east-1). `false` adds nothing and warns instead: give your own route (a shared endpoint, NAT).
   *
   * @default true
   */
  readonly secretsManagerEndpoint?: boolean;

  /**
   * The cluster storage configuration. `AURORA_IOPT1` (I/O-Optimized) has no I/O charges but dearer instances
   * and storage; it pays when I/O is more than about a quarter of the Aurora bill (see the cost table in docs/production.md).
   * It needs Aurora PostgreSQL 13.10, 14.7, 15.2, 16.1, 17.4 or newer.
   *
   * @default rds.DBClusterStorageType.AURORA (Aurora Standard; the template leaves StorageType to RDS's default)
   */
  readonly storageType?: rds.DBClusterStorageType;

  /**
   * The Database Insights mode. `ADVANCED` also sets Performance Insights retention to 15 months (465 days),
   * which advanced mode requires; it is billed per vCPU (per ACU on Serverless v2) and month.
   *
   * @default rds.DatabaseInsightsMode.STANDARD (free; RDS's default, not written to the template)
   */
  readonly databaseInsightsMode?: rds.DatabaseInsightsMode;

  /**
   * Turns on Enhanced Monitoring (OS metrics in CloudWatch Logs) at this interval: 1, 5, 10, 15, 30 or 60
   * seconds. aws-cdk-lib creates its IAM role. Cost: the CloudWatch Logs ingestion of the `RDSOSMetrics` log
   * group, more at shorter intervals.
   *
   * @default - Enhanced Monitoring off
   */
  readonly monitoringInterval?: Duration;

  /**
   * CloudWatch alarms with sensible thresholds (see `AuroraPostgresAlarmOptions`): CPU, freeable memory,
   * connections near `max_connections`, replica lag, ACU use on Serverless v2, free local storage, deadlocks.
   * Give `{}` for the defaults, with `topic` to be notified. They are `db.alarms`.
   *
   * @default - no alarms
   */
  readonly alarms?: AuroraPostgresAlarmOptions;

  /**
   * The module name (Opta's module name): the prefix of this database's CloudFormation output keys
   * (`<moduleName>DbHost`, `<moduleName>DbPort`, `<moduleName>DbName`, `<moduleName>DbUser`,
   * `<moduleName>DbPassword`, `<moduleName>DbSecretArn`, `<moduleName>DbReaderHost`, `<moduleName>EngineVersion`),
   * unique in its stack.
   * A letter, then letters and digits.
   *
   * @default - the construct id without its non-alphanumeric characters
   */
  readonly moduleName?: string;
}
