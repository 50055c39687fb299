import { Duration, Size } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * The CloudWatch alarms of an `AuroraPostgres` (its `alarms` prop): what a database team sets first, one alarm
 * per instance and metric (and three for the RDS Proxy), each with a threshold you can change, plus RDS event
 * subscriptions to the same topic. Every alarm treats missing data as fine (a
 * paused Serverless v2 instance, or the writer, which publishes no replica lag). CloudWatch bills each
 * standard alarm (about $0.10 a month).
 */
export interface AuroraPostgresAlarmOptions {
  /**
   * The SNS topic notified when an alarm fires and when it is OK again.
   *
   * @default - no notification: the alarms are only visible in CloudWatch
   */
  readonly topic?: sns.ITopic;

  /**
   * `CPUUtilization` above this percentage (average) for 15 minutes, on every instance. 1 to 100.
   *
   * @default 80
   */
  readonly cpuUtilizationPercent?: number;

  /**
   * `FreeableMemory` below this percentage of the instance class's memory for 15 minutes, on every
   * provisioned instance (Serverless v2 instances get `acuUtilizationPercent` instead). 1 to 99.
   *
   * @default 10
   */
  readonly freeableMemoryPercent?: number;

  /**
   * `DatabaseConnections` above this percentage of `max_connections` for 10 minutes, on every instance.
   * `max_connections` is, in this order: the `max_connections` cluster parameter when `parameters` sets it to a
   * number; AWS's published default for the class (e.g. 405 for db.t4g.medium, 1722 for db.r6g.large: the
   * "Maximum connections to an Aurora PostgreSQL DB instance" table of the Aurora User Guide); for a class missing
   * from that table, and for Serverless v2 (2 GiB per ACU of `serverlessV2MaxCapacity`), AWS's formula
   * `LEAST({DBInstanceClassMemory/9531392}, 5000)` on the class's memory, an upper estimate (RDS reserves some of
   * the memory, so the real default is a few percent lower). The alarm's description says which it used.
   * 1 to 100.
   *
   * @default 80
   */
  readonly connectionsPercent?: number;

  /**
   * `AuroraReplicaLag` above this for 10 minutes, on every instance when the cluster has readers (the writer
   * publishes no lag, so the alarms follow the readers through a failover). 10 milliseconds to 1 hour.
   *
   * @default Duration.seconds(5)
   */
  readonly replicaLag?: Duration;

  /**
   * `ACUUtilization` (capacity used, as a percentage of `serverlessV2MaxCapacity`) above this for 15 minutes,
   * on every Serverless v2 instance: the cluster needs a higher maximum. 1 to 100.
   *
   * @default 90
   */
  readonly acuUtilizationPercent?: number;

  /**
   * `FreeLocalStorage` (the instance's local disk for temporary files and logs) below this for 5 minutes, on
   * every provisioned instance (Serverless v2 local storage grows and shrinks with capacity). Raise it on
   * large classes. More than 0, at most 1 TiB.
   *
   * @default Size.gibibytes(2)
   */
  readonly freeLocalStorage?: Size;

  /**
   * `Deadlocks` (deadlocks per second, the highest value in 5 minutes) above this, on every instance. 0, the
   * default, fires on any deadlock. 0 to 1000.
   *
   * @default 0
   */
  readonly deadlocksPerSecond?: number;

  /**
   * `MaximumUsedTransactionIDs` (how many transaction IDs since the oldest one not yet frozen by vacuum) above
   * this, on every instance. PostgreSQL stops accepting writes near 2^31 (about 2.1 billion) to prevent
   * transaction ID wraparound; autovacuum freezes rows from 200 million (`autovacuum_freeze_max_age`), so a
   * value far above that means something (a long transaction, an abandoned replication slot, a blocked
   * autovacuum) keeps it from catching up. 100 million to 2 billion.
   *
   * @default 1000000000
   */
  readonly maximumUsedTransactionIds?: number;

  /**
   * `BufferCacheHitRatio` (the share of reads served from memory) below this percentage for 15 minutes, on every
   * instance: the working set no longer fits the instance's memory. 1 to 100.
   *
   * @default 90
   */
  readonly bufferCacheHitRatioPercent?: number;

  /**
   * `CPUCreditBalance` below this many credits for 15 minutes, on every instance of a burstable (db.t*) class.
   * Aurora runs db.t* instances in unlimited mode: with the balance spent, they keep bursting on surplus credits,
   * billed by the vCPU-hour. A db.t4g.medium earns 24 credits an hour. 0 to 10000.
   *
   * @default 50
   */
  readonly cpuCreditBalance?: number;

  /**
   * With `proxy: true`: the database connections the RDS Proxy holds (`DatabaseConnections`) above this
   * percentage of the most it may open (`MaxDatabaseConnectionsAllowed`, its `maxConnectionsPercent` of the
   * writer's `max_connections`) for 5 minutes. Beyond it clients wait for a connection (`borrowTimeout`), then
   * fail. 1 to 100.
   *
   * @default 80
   */
  readonly proxyConnectionsPercent?: number;

  /**
   * With `proxy: true`: session-pinned database connections (`DatabaseConnectionsCurrentlySessionPinned`) above
   * this percentage of the most the proxy may open, for 5 minutes. A pinned connection serves one client session
   * only (after `SET`, temporary tables, advisory locks...), so pinning takes away the pooling. 1 to 100.
   *
   * @default 50
   */
  readonly proxyPinnedPercent?: number;

  /**
   * With `proxy: true`: the proxy's read/write target (`AvailabilityPercentage`, target group `default`, role
   * `READ_WRITE`) available less than this percentage of the time for 3 minutes. 1 to 100.
   *
   * @default 99
   */
  readonly proxyAvailabilityPercent?: number;

  /**
   * With `topic`: RDS event subscriptions that send the cluster's and its instances' failover, failure,
   * availability and maintenance events to the same topic (free; SNS bills the deliveries). The topic's policy
   * gets a statement that lets `events.rds.amazonaws.com` publish when the topic belongs to this app; an imported
   * or KMS-encrypted topic needs that grant from its owner.
   *
   * @default true
   */
  readonly events?: boolean;
}
