import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/** The proxy alarms' thresholds, already validated. */
export interface ProxyAlarmThresholds {
  /** Database connections the proxy holds, as a percentage of the most it may open. */
  readonly connectionsPercent: number;
  /** Pinned database connections, as a percentage of the most the proxy may open. */
  readonly pinnedPercent: number;
  /** The read/write target's availability below this percentage. */
  readonly availabilityPercent: number;
}

/**
 * The RDS Proxy's alarms. The proxy publishes `MaxDatabaseConnectionsAllowed` (its `maxConnectionsPercent` of the
 * writer's `max_connections`), so the connection alarms compare with what the proxy itself may open, whatever the
 * class, the parameter or the pool settings. All three metrics are published every minute.
 */
export function createProxyAlarms(scope: Construct, proxyName: string, t: ProxyAlarmThresholds): cloudwatch.Alarm[] {
  const minute = Duration.minutes(1);
  const metric = (metricName: string, statistic: string, extra: Record<string, string> = {}) => new cloudwatch.Metric({
    namespace: 'AWS/RDS', metricName, statistic, period: minute, dimensionsMap: { ProxyName: proxyName, ...extra },
  });
  const limit = metric('MaxDatabaseConnectionsAllowed', 'Maximum');
  const share = (label: string, of: cloudwatch.Metric) => new cloudwatch.MathExpression({
    expression: '100 * used / allowed',
    usingMetrics: { used: of, allowed: limit },
    label,
    period: minute,
  });
  const above = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
  const alarm = (id: string, m: cloudwatch.IMetric, threshold: number, comparisonOperator: cloudwatch.ComparisonOperator,
    minutes: number, what: string) => new cloudwatch.Alarm(scope, `Proxy${id}Alarm`, {
    metric: m,
    threshold,
    comparisonOperator,
    evaluationPeriods: minutes,
    datapointsToAlarm: minutes,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: `${scope.node.path} RDS Proxy: ${what}`,
  });
  return [
    alarm('Connections', share('database connections, % of the proxy\'s limit', metric('DatabaseConnections', 'Maximum')),
      t.connectionsPercent, above, 5,
      `database connections above ${t.connectionsPercent}% of the most the proxy may open for 5 minutes: clients wait for a connection (borrow timeout), then fail; raise maxConnectionsPercent, max_connections or the class`),
    alarm('Pinned', share('pinned connections, % of the proxy\'s limit', metric('DatabaseConnectionsCurrentlySessionPinned', 'Maximum')),
      t.pinnedPercent, above, 5,
      `session-pinned connections above ${t.pinnedPercent}% of the most the proxy may open for 5 minutes: sessions that change state (SET, temporary tables, advisory locks) keep a database connection each`),
    alarm('Availability', metric('AvailabilityPercentage', 'Average', { TargetGroup: 'default', TargetRole: 'READ_WRITE' }),
      t.availabilityPercent, cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD, 3,
      `the writer behind the proxy available less than ${t.availabilityPercent}% of the time for 3 minutes`),
  ];
}
