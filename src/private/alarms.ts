import { Duration, Size, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { throwPropError } from './errors';

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
}

/** The cluster facts the alarms depend on. */
export interface AlarmTargets {
  /** The instances' identifiers (CDK tokens), writer first. */
  readonly instanceIdentifiers: string[];
  /** Whether the instances are Aurora Serverless v2. */
  readonly serverless: boolean;
  /** GiB of memory of one instance (the class's, or the maximum ACUs times 2), if known. */
  readonly memoryGiB?: number;
  /** `max_connections` when the cluster parameters set it to a number. */
  readonly maxConnectionsParameter?: string;
}

const GIB = 1024 ** 3;

/** Aurora PostgreSQL's default `max_connections`: LEAST({DBInstanceClassMemory/9531392}, 5000). */
export function defaultMaxConnections(memoryBytes: number): number {
  return Math.min(Math.floor(memoryBytes / 9531392), 5000);
}

function checkRange(scope: Construct, prop: string, value: number, min: number, max: number, minExclusive: boolean, unit: string): void {
  if (Token.isUnresolved(value)) return;
  const low = minExclusive ? value <= min : value < min;
  if (Number.isNaN(value) || low || value > max) {
    throwPropError(scope, {
      prop: `alarms.${prop}`,
      value,
      allowed: `${minExclusive ? 'more than' : 'from'} ${min} ${minExclusive ? 'and at most' : 'to'} ${max}${unit}`,
      fix: `choose a threshold in that range, or leave alarms.${prop} out for its default`,
    });
  }
}

/** Validates the thresholds and returns them with their defaults. */
function thresholds(scope: Construct, t: AlarmThresholds) {
  const cpu = t.cpuUtilizationPercent ?? 80;
  const memory = t.freeableMemoryPercent ?? 10;
  const connections = t.connectionsPercent ?? 80;
  const acu = t.acuUtilizationPercent ?? 90;
  const deadlocks = t.deadlocksPerSecond ?? 0;
  const lag = t.replicaLag ?? Duration.seconds(5);
  const storage = t.freeLocalStorage ?? Size.gibibytes(2);
  checkRange(scope, 'cpuUtilizationPercent', cpu, 1, 100, false, ' percent');
  checkRange(scope, 'freeableMemoryPercent', memory, 1, 99, false, ' percent of the class\'s memory');
  checkRange(scope, 'connectionsPercent', connections, 1, 100, false, ' percent of max_connections');
  checkRange(scope, 'acuUtilizationPercent', acu, 1, 100, false, ' percent of the maximum ACUs');
  checkRange(scope, 'deadlocksPerSecond', deadlocks, 0, 1000, false, ' deadlocks per second');
  if (!lag.isUnresolved()) checkRange(scope, 'replicaLag', lag.toMilliseconds(), 10, 3_600_000, false, ' milliseconds (10 ms to 1 hour)');
  if (!storage.isUnresolved()) checkRange(scope, 'freeLocalStorage', storage.toBytes(), 0, 1024 * GIB, true, ' bytes (up to 1 TiB)');
  return { cpu, memory, connections, acu, deadlocks, lag, storage };
}

/**
 * The alarms a database team sets first, one per instance and metric (instance metrics follow the instance,
 * so the alarms still cover every instance after a failover). Missing data never fires an alarm.
 */
export function createAlarms(scope: Construct, targets: AlarmTargets, given: AlarmThresholds): cloudwatch.IAlarm[] {
  const t = thresholds(scope, given);
  const alarms: cloudwatch.Alarm[] = [];
  const maxConnections = maxConnectionsOf(targets);
  const hasReaders = targets.instanceIdentifiers.length > 1;
  targets.instanceIdentifiers.forEach((instance, i) => {
    const name = i === 0 ? 'Writer' : `Reader${i}`;
    const metric = (metricName: string, statistic: string, period = Duration.minutes(5)) => new cloudwatch.Metric({
      namespace: 'AWS/RDS', metricName, statistic, period, dimensionsMap: { DBInstanceIdentifier: instance },
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
    alarm('Cpu', metric('CPUUtilization', 'Average'), t.cpu, above, 3, `CPU above ${t.cpu}% for 15 minutes`);
    if (maxConnections !== undefined) {
      const limit = Math.floor(maxConnections * t.connections / 100);
      alarm('Connections', metric('DatabaseConnections', 'Maximum'), limit, above, 2,
        `more than ${limit} connections (${t.connections}% of max_connections ${maxConnections}) for 10 minutes`);
    }
    if (hasReaders) {
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
  });
  if (given.topic) {
    const action = new cw_actions.SnsAction(given.topic);
    for (const a of alarms) {
      a.addAlarmAction(action);
      a.addOkAction(action);
    }
  }
  return alarms;
}

/** The `max_connections` the alarm compares with: the parameter when it is a number, else Aurora's default. */
function maxConnectionsOf(targets: AlarmTargets): number | undefined {
  const parameter = targets.maxConnectionsParameter;
  if (parameter !== undefined && !Token.isUnresolved(parameter) && /^\d+$/.test(parameter.trim())) return Number(parameter);
  if (targets.memoryGiB === undefined) return undefined;
  return defaultMaxConnections(targets.memoryGiB * GIB);
}
