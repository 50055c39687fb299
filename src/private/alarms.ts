import { Duration, Size, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { throwPropError } from './errors';
import { createEventSubscriptions } from './events';
import { MaxConnections } from './instance-class';
import { createProxyAlarms, ProxyAlarmThresholds } from './proxy-alarms';

/** The alarm thresholds as the user gave them (the shape of the public `AuroraPostgresAlarmOptions`). */
export interface AlarmThresholds {
  readonly topic?: sns.ITopic;
  readonly cpuUtilizationPercent?: number;
  readonly freeableMemoryPercent?: number;
  readonly connectionsPercent?: number;
  readonly replicaLag?: Duration;
  readonly acuUtilizationPercent?: number;
  readonly freeLocalStorage?: Size;
  readonly deadlocksPerSecond?: number;
  readonly maximumUsedTransactionIds?: number;
  readonly bufferCacheHitRatioPercent?: number;
  readonly cpuCreditBalance?: number;
  readonly proxyConnectionsPercent?: number;
  readonly proxyPinnedPercent?: number;
  readonly proxyAvailabilityPercent?: number;
  readonly events?: boolean;
}

/** The cluster facts the alarms depend on. */
export interface AlarmTargets {
  /** The instances' identifiers (CDK tokens), writer first. */
  readonly instanceIdentifiers: string[];
  /** Whether the instances are Aurora Serverless v2. */
  readonly serverless: boolean;
  /** GiB of memory of one instance (the class's, or the maximum ACUs times 2), if known. */
  readonly memoryGiB?: number;
  /** The instances' `max_connections` (the parameter, AWS's table or the formula), if known. */
  readonly maxConnections?: MaxConnections;
  /** Whether the instances are burstable (db.t*): they spend CPU credits. */
  readonly burstable: boolean;
  /** The cluster's identifier (a CDK token), for the RDS event subscription. */
  readonly clusterIdentifier: string;
  /** The RDS Proxy's name (a CDK token), when there is a proxy. */
  readonly proxyName?: string;
}

const GIB = 1024 ** 3;

/** What each `source` of `max_connections` is called in an alarm's description. */
const SOURCE_WORDS = {
  parameter: 'the max_connections parameter',
  table: 'AWS\'s published default for the class',
  formula: 'estimated with AWS\'s formula on the class\'s memory',
};

function validateRange(scope: Construct, prop: string, value: number, min: number, max: number, minExclusive: boolean, unit: string): void {
  if (Token.isUnresolved(value)) return;
  const low = minExclusive ? value <= min : value < min;
  if (Number.isNaN(value) || low || value > max) {
    throwPropError(scope, {
      code: 'ALARM_THRESHOLD_RANGE',
      prop: `alarms.${prop}`,
      value,
      allowed: `${minExclusive ? 'more than' : 'from'} ${min} ${minExclusive ? 'and at most' : 'to'} ${max}${unit}`,
      fix: `choose a threshold in that range, or leave alarms.${prop} out for its default`,
    });
  }
}

/** The alarm thresholds, validated and defaulted, with the topic to notify. */
export interface ValidatedAlarms {
  readonly cpu: number;
  readonly memory: number;
  readonly connections: number;
  readonly acu: number;
  readonly deadlocks: number;
  readonly lag: Duration;
  readonly storage: Size;
  readonly xids: number;
  readonly hitRatio: number;
  readonly credits: number;
  readonly proxy: ProxyAlarmThresholds;
  readonly topic?: sns.ITopic;
  /** Whether RDS events go to the topic too. */
  readonly events: boolean;
}

/** Validates the thresholds and returns them with their defaults. */
export function validateAlarmThresholds(scope: Construct, t: AlarmThresholds): ValidatedAlarms {
  const cpu = t.cpuUtilizationPercent ?? 80;
  const memory = t.freeableMemoryPercent ?? 10;
  const connections = t.connectionsPercent ?? 80;
  const acu = t.acuUtilizationPercent ?? 90;
  const deadlocks = t.deadlocksPerSecond ?? 0;
  const lag = t.replicaLag ?? Duration.seconds(5);
  const storage = t.freeLocalStorage ?? Size.gibibytes(2);
  validateRange(scope, 'cpuUtilizationPercent', cpu, 1, 100, false, ' percent');
  validateRange(scope, 'freeableMemoryPercent', memory, 1, 99, false, ' percent of the class\'s memory');
  validateRange(scope, 'connectionsPercent', connections, 1, 100, false, ' percent of max_connections');
  validateRange(scope, 'acuUtilizationPercent', acu, 1, 100, false, ' percent of the maximum ACUs');
  validateRange(scope, 'deadlocksPerSecond', deadlocks, 0, 1000, false, ' deadlocks per second');
  if (!lag.isUnresolved()) validateRange(scope, 'replicaLag', lag.toMilliseconds(), 10, 3_600_000, false, ' milliseconds (10 ms to 1 hour)');
  if (!storage.isUnresolved()) validateRange(scope, 'freeLocalStorage', storage.toBytes(), 0, 1024 * GIB, true, ' bytes (up to 1 TiB)');
  const xids = t.maximumUsedTransactionIds ?? 1_000_000_000;
  const hitRatio = t.bufferCacheHitRatioPercent ?? 90;
  const credits = t.cpuCreditBalance ?? 50;
  validateRange(scope, 'maximumUsedTransactionIds', xids, 100_000_000, 2_000_000_000, false, ' transaction IDs');
  validateRange(scope, 'bufferCacheHitRatioPercent', hitRatio, 1, 100, false, ' percent');
  validateRange(scope, 'cpuCreditBalance', credits, 0, 10_000, false, ' CPU credits');
  const proxy: ProxyAlarmThresholds = {
    connectionsPercent: t.proxyConnectionsPercent ?? 80,
    pinnedPercent: t.proxyPinnedPercent ?? 50,
    availabilityPercent: t.proxyAvailabilityPercent ?? 99,
  };
  validateRange(scope, 'proxyConnectionsPercent', proxy.connectionsPercent, 1, 100, false, ' percent of the proxy\'s connection limit');
  validateRange(scope, 'proxyPinnedPercent', proxy.pinnedPercent, 1, 100, false, ' percent of the proxy\'s connection limit');
  validateRange(scope, 'proxyAvailabilityPercent', proxy.availabilityPercent, 1, 100, false, ' percent');
  return { cpu, memory, connections, acu, deadlocks, lag, storage, xids, hitRatio, credits, proxy, topic: t.topic, events: t.events ?? true };
}

/**
 * The alarms a database team sets first, one per instance and metric (instance metrics follow the instance,
 * so the alarms still cover every instance after a failover). Missing data never fires an alarm.
 */
export function createAlarms(scope: Construct, targets: AlarmTargets, t: ValidatedAlarms): cloudwatch.IAlarm[] {
  const alarms: cloudwatch.Alarm[] = [];
  targets.instanceIdentifiers.forEach((instance, i) => alarms.push(...instanceAlarms(scope, targets, t, instance, i)));
  if (targets.proxyName !== undefined) {
    alarms.push(...createProxyAlarms(scope, targets.proxyName, t.proxy));
  }
  if (t.topic) {
    if (t.events) {
      createEventSubscriptions(scope, t.topic, targets.clusterIdentifier, targets.instanceIdentifiers);
    }
    const action = new cw_actions.SnsAction(t.topic);
    for (const a of alarms) {
      a.addAlarmAction(action);
      a.addOkAction(action);
    }
  }
  return alarms;
}

/** One instance's alarms (`i`: 0 for the first writer, then the readers). */
function instanceAlarms(scope: Construct, targets: AlarmTargets, t: ValidatedAlarms, instance: string, i: number): cloudwatch.Alarm[] {
  const alarms: cloudwatch.Alarm[] = [];
  const name = i === 0 ? 'Writer' : `Reader${i}`;
  const metric = (metricName: string, statistic: string) => new cloudwatch.Metric({
    namespace: 'AWS/RDS', metricName, statistic, period: Duration.minutes(5), dimensionsMap: { DBInstanceIdentifier: instance },
  });
  const alarm = (id: string, m: cloudwatch.Metric, threshold: number, comparisonOperator: cloudwatch.ComparisonOperator,
    evaluationPeriods: number, what: string) => {
    alarms.push(new cloudwatch.Alarm(scope, `${name}${id}Alarm`, {
      metric: m,
      threshold,
      comparisonOperator,
      evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${scope.node.path} ${name} (first ${i === 0 ? 'writer' : 'reader'}; roles change on failover): ${what}`,
    }));
  };
  const above = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
  const below = cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD;
  const maxConnections = targets.maxConnections;
  alarm('Cpu', metric('CPUUtilization', 'Average'), t.cpu, above, 3, `CPU above ${t.cpu}% for 15 minutes`);
  if (maxConnections !== undefined) {
    const limit = Math.floor(maxConnections.value * t.connections / 100);
    alarm('Connections', metric('DatabaseConnections', 'Maximum'), limit, above, 2,
      `more than ${limit} connections (${t.connections}% of max_connections ${maxConnections.value}, ${SOURCE_WORDS[maxConnections.source]}) for 10 minutes`);
  }
  // Wraparound: PostgreSQL stops assigning transaction IDs (no more writes) about 2^31 (2.1 billion) after the
  // oldest unfrozen one; autovacuum freezes at 200 million by default, so a billion means it is falling behind.
  alarm('TransactionIds', metric('MaximumUsedTransactionIDs', 'Maximum'), t.xids, above, 1,
    `more than ${t.xids} transaction IDs since the oldest unvacuumed one (writes stop near 2.1 billion): find what blocks autovacuum`);
  alarm('BufferCacheHitRatio', metric('BufferCacheHitRatio', 'Average'), t.hitRatio, below, 3,
    `buffer cache hit ratio below ${t.hitRatio}% for 15 minutes: reads go to storage (a larger class, or more ACUs)`);
  if (targets.burstable) {
    alarm('CpuCreditBalance', metric('CPUCreditBalance', 'Minimum'), t.credits, below, 3,
      `fewer than ${t.credits} CPU credits for 15 minutes: the instance bursts on surplus credits (billed) or is throttled; move to an r-class`);
  }
  if (targets.instanceIdentifiers.length > 1) {
    alarm('ReplicaLag', metric('AuroraReplicaLag', 'Maximum'), t.lag.toMilliseconds(), above, 2,
      `replica lag above ${t.lag.toHumanString()} for 10 minutes`);
  }
  if (targets.serverless) {
    alarm('AcuUtilization', metric('ACUUtilization', 'Average'), t.acu, above, 3,
      `capacity above ${t.acu}% of the maximum ACUs for 15 minutes: raise serverlessV2MaxCapacity`);
  } else {
    if (targets.memoryGiB !== undefined) {
      const bytes = Math.floor(targets.memoryGiB * GIB * t.memory / 100);
      alarm('FreeableMemory', metric('FreeableMemory', 'Minimum'), bytes, below, 3,
        `freeable memory below ${t.memory}% of ${targets.memoryGiB} GiB for 15 minutes`);
    }
    alarm('FreeLocalStorage', metric('FreeLocalStorage', 'Minimum'), t.storage.toBytes(), below, 1,
      `free local storage below ${(t.storage.toBytes() / GIB).toFixed(2).replace(/\.?0+$/, '')} GiB`);
  }
  alarm('Deadlocks', metric('Deadlocks', 'Maximum'), t.deadlocks, above, 1,
    t.deadlocks === 0 ? 'a deadlock happened' : `more than ${t.deadlocks} deadlocks per second`);
  return alarms;
}
