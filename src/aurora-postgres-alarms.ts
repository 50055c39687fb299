import { Duration, Size } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * The CloudWatch alarms of an `AuroraPostgres` (its `alarms` prop): what a database team sets first, one alarm
 * per instance and metric, each with a threshold you can change. Every alarm treats missing data as fine (a
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
   * `max_connections` is the cluster parameter when `parameters` sets it to a number, else Aurora
   * PostgreSQL's default `LEAST({DBInstanceClassMemory/9531392}, 5000)`, computed from the class's memory
   * (from the maximum ACUs times 2 GiB on Serverless v2). `DBInstanceClassMemory` is a little less than the
   * class's memory (RDS keeps some for itself), so the alarm fires slightly later than the percentage says.
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
}
