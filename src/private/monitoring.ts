import { Duration, Token, Validations } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';
import { throwPropError } from './errors';

/** The monitoring and storage props, as the user gave them (named as in the public props). */
export interface MonitoringProps {
  readonly storageType?: rds.DBClusterStorageType;
  readonly databaseInsightsMode?: rds.DatabaseInsightsMode;
  readonly monitoringInterval?: Duration;
}

/** The intervals Enhanced Monitoring accepts, in seconds (0, off, is what leaving the prop out means). */
export const MONITORING_INTERVALS = [1, 5, 10, 15, 30, 60];

/**
 * The oldest minor version of each major that offers Aurora I/O-Optimized (AWS: "Supported Regions and Aurora
 * DB engines for cluster storage configurations": 17.4, 16.1, 15.2, 14.7, 13.10 and higher).
 */
const IO_OPTIMIZED_SINCE: Record<number, number> = { 13: 10, 14: 7, 15: 2, 16: 1, 17: 4 };

/** Whether an Aurora PostgreSQL version offers I/O-Optimized storage; undefined when the version is a token. */
export function supportsIoOptimized(fullVersion: string): boolean | undefined {
  if (Token.isUnresolved(fullVersion)) return undefined;
  const [major, minor] = fullVersion.split('.').map(Number);
  if (major > 17) return true;
  const since = IO_OPTIMIZED_SINCE[major];
  return since !== undefined && minor >= since;
}

/**
 * Validates the storage and monitoring props and returns the cluster props for them. Nothing is set for a
 * prop that is left out, so the default template stays what it was (Aurora Standard storage and Database
 * Insights standard mode are RDS's own defaults).
 */
export function validateMonitoring(scope: IConstruct, version: rds.AuroraPostgresEngineVersion,
  props: MonitoringProps): Partial<rds.DatabaseClusterProps> {
  if (props.storageType === rds.DBClusterStorageType.AURORA_IOPT1
    && supportsIoOptimized(version.auroraPostgresFullVersion) === false) {
    throwPropError(scope, {
      code: 'STORAGE_TYPE_VERSION',
      prop: 'storageType',
      value: props.storageType,
      allowed: `Aurora I/O-Optimized (aurora-iopt1) only on Aurora PostgreSQL 13.10, 14.7, 15.2, 16.1, 17.4 or newer; this cluster runs ${version.auroraPostgresFullVersion}`,
      fix: 'upgrade engineVersion (e.g. rds.AuroraPostgresEngineVersion.VER_17_9), or keep Aurora Standard storage (leave storageType out)',
    });
  }
  const interval = props.monitoringInterval;
  if (interval !== undefined && !interval.isUnresolved()) {
    const seconds = interval.toMilliseconds() / 1000;
    if (!MONITORING_INTERVALS.includes(seconds)) {
      throwPropError(scope, {
        code: 'MONITORING_INTERVAL_INVALID',
        prop: 'monitoringInterval',
        value: interval.toHumanString(),
        allowed: `one of ${MONITORING_INTERVALS.join(', ')} seconds (the intervals Enhanced Monitoring offers)`,
        fix: 'use e.g. Duration.seconds(60), or leave monitoringInterval out to keep Enhanced Monitoring off',
      });
    }
  }
  const advanced = props.databaseInsightsMode === rds.DatabaseInsightsMode.ADVANCED;
  return {
    storageType: props.storageType,
    databaseInsightsMode: props.databaseInsightsMode,
    // Database Insights advanced mode needs 15 months (465 days) of Performance Insights retention.
    performanceInsightRetention: advanced ? rds.PerformanceInsightRetention.MONTHS_15 : undefined,
    monitoringInterval: interval,
  };
}

/**
 * Enhanced Monitoring's role, created by aws-cdk-lib (`monitoringRole` of the cluster it returns), carries the
 * AWS managed policy that RDS documents for it; cdk-nag flags every AWS managed policy (AwsSolutions-IAM4).
 */
export function acknowledgeMonitoringRole(role: IConstruct | undefined): void {
  if (role) {
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
      reason: 'Enhanced Monitoring\'s role uses AmazonRDSEnhancedMonitoringRole, the AWS managed policy RDS documents for exactly this role (it only writes the RDSOSMetrics log group).',
    });
  }
}
