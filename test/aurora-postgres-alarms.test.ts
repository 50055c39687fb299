import { Duration, Size } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AuroraPostgres, AuroraPostgresAlarmOptions, AuroraPostgresProps } from '../src';
import { nagFindings, testStack } from './util';

const GIB = 1024 ** 3;
const env = { account: '123456789012', region: 'us-east-1' };

/** Synthesizes once; with `nag`, cdk-nag runs in that one synthesis (a second synthesis would not run it). */
function synth(props: Partial<AuroraPostgresProps> = {}, withTopic = false, nag = false) {
  const { app, stack, vpc } = testStack({ env });
  const topic = withTopic ? new sns.Topic(stack, 'Topic', { enforceSSL: true }) : undefined;
  const db = new AuroraPostgres(stack, 'rds', { vpc, ...props, alarms: { ...props.alarms, topic } });
  const findings = nag ? nagFindings(app) : undefined;
  return { app, db, findings, template: Template.fromStack(stack) };
}

/** Alarm logical id prefix -> [metric, threshold, comparison, evaluation periods, instance ref]. */
function alarmsOf(template: Template): Record<string, [string, number, string, number, string]> {
  return Object.fromEntries(Object.entries<any>(template.findResources('AWS::CloudWatch::Alarm')).map(([id, r]) => {
    const p = r.Properties;
    expect(p.Namespace).toBe('AWS/RDS');
    expect(p.TreatMissingData).toBe('notBreaching');
    const instance = p.Dimensions.find((d: any) => d.Name === 'DBInstanceIdentifier').Value.Ref;
    return [id.replace(/[0-9A-F]{8}$/, ''), [p.MetricName, p.Threshold, p.ComparisonOperator, p.EvaluationPeriods, instance]];
  }));
}

describe('alarms with their defaults on a provisioned writer (db.t4g.medium, 4 GiB)', () => {
  const { template, db } = synth();
  const alarms = alarmsOf(template);
  const writer = expect.stringMatching(/^rdsClusterWriter/);

  test('CPU, connections, freeable memory, free local storage and deadlocks on the writer; no replica lag or ACU alarm', () => {
    expect(alarms).toEqual({
      rdsWriterCpuAlarm: ['CPUUtilization', 80, 'GreaterThanThreshold', 3, writer],
      // LEAST(4 GiB / 9531392, 5000) = 450 connections; 80 % of it.
      rdsWriterConnectionsAlarm: ['DatabaseConnections', 360, 'GreaterThanThreshold', 2, writer],
      rdsWriterFreeableMemoryAlarm: ['FreeableMemory', Math.floor(4 * GIB * 0.1), 'LessThanThreshold', 3, writer],
      rdsWriterFreeLocalStorageAlarm: ['FreeLocalStorage', 2 * GIB, 'LessThanThreshold', 1, writer],
      rdsWriterDeadlocksAlarm: ['Deadlocks', 0, 'GreaterThanThreshold', 1, writer],
    });
    expect(db.alarms).toHaveLength(5);
  });

  test('no topic: no alarm actions', () => {
    for (const r of Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(r.Properties.AlarmActions).toBeUndefined();
      expect(r.Properties.OKActions).toBeUndefined();
    }
  });
});

describe('alarms on other classes and variants', () => {
  test('readers: replica lag on every instance (roles change on failover); db.r6g.large: 16 GiB', () => {
    const alarms = alarmsOf(synth({ multiAz: true, instanceClass: 'db.r6g.large' }).template);
    expect(alarms.rdsWriterReplicaLagAlarm.slice(0, 4)).toEqual(['AuroraReplicaLag', 5000, 'GreaterThanThreshold', 2]);
    expect(alarms.rdsReader1ReplicaLagAlarm[4]).toMatch(/^rdsClusterReader1/);
    // LEAST(16 GiB / 9531392, 5000) = 1802; 80 % = 1441.
    expect(alarms.rdsReader1ConnectionsAlarm[1]).toBe(1441);
    expect(alarms.rdsReader1FreeableMemoryAlarm[1]).toBe(Math.floor(16 * GIB * 0.1));
    expect(Object.keys(alarms)).toHaveLength(12);
  });

  test('Serverless v2: ACU utilization instead of freeable memory and local storage; connections from the maximum ACUs', () => {
    const alarms = alarmsOf(synth({ instanceClass: 'serverless', serverlessV2MaxCapacity: 16 }).template);
    expect(Object.keys(alarms).sort()).toEqual(['rdsWriterAcuUtilizationAlarm', 'rdsWriterConnectionsAlarm', 'rdsWriterCpuAlarm', 'rdsWriterDeadlocksAlarm']);
    expect(alarms.rdsWriterAcuUtilizationAlarm.slice(0, 4)).toEqual(['ACUUtilization', 90, 'GreaterThanThreshold', 3]);
    // 16 ACUs = 32 GiB: LEAST(32 GiB / 9531392, 5000) = 3604; 80 % = 2883.
    expect(alarms.rdsWriterConnectionsAlarm[1]).toBe(2883);
  });

  test('max_connections set in parameters is the one compared with', () => {
    const alarms = alarmsOf(synth({ parameters: { max_connections: '1000' } }).template);
    expect(alarms.rdsWriterConnectionsAlarm[1]).toBe(800);
  });

  test('thresholds given as props', () => {
    const options: AuroraPostgresAlarmOptions = {
      cpuUtilizationPercent: 95,
      freeableMemoryPercent: 5,
      connectionsPercent: 50,
      replicaLag: Duration.millis(500),
      freeLocalStorage: Size.gibibytes(10),
      deadlocksPerSecond: 1,
    };
    const alarms = alarmsOf(synth({ multiAz: true, alarms: options }).template);
    expect(alarms.rdsWriterCpuAlarm[1]).toBe(95);
    expect(alarms.rdsWriterFreeableMemoryAlarm[1]).toBe(Math.floor(4 * GIB * 0.05));
    expect(alarms.rdsWriterConnectionsAlarm[1]).toBe(225);
    expect(alarms.rdsReader1ReplicaLagAlarm[1]).toBe(500);
    expect(alarms.rdsWriterFreeLocalStorageAlarm[1]).toBe(10 * GIB);
    expect(alarms.rdsWriterDeadlocksAlarm[1]).toBe(1);
  });

  test.each<[string, Partial<AuroraPostgresProps>]>([
    ['global primary', { createGlobalDatabase: true, globalDatabaseId: 'orders-global', engineVersion: rds.AuroraPostgresEngineVersion.VER_17_9 }],
    ['global secondary', { existingGlobalDatabaseId: 'orders-global', engineVersion: rds.AuroraPostgresEngineVersion.VER_17_9 }],
    ['restored', { restoreFromSnapshot: 'before-migration', engineVersion: rds.AuroraPostgresEngineVersion.VER_16_6 }],
  ])('%s: the same alarms on its instances', (_, props) => {
    const alarms = alarmsOf(synth(props).template);
    expect(Object.keys(alarms).sort()).toEqual(['rdsWriterConnectionsAlarm', 'rdsWriterCpuAlarm', 'rdsWriterDeadlocksAlarm',
      'rdsWriterFreeLocalStorageAlarm', 'rdsWriterFreeableMemoryAlarm']);
  });
});

describe('alarms with a topic', () => {
  const { template, findings } = synth({}, true, true);
  test('every alarm notifies the topic when it fires and when it is OK again', () => {
    const alarms = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(5);
    for (const a of alarms) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Topic/) }]);
      expect(a.Properties.OKActions).toEqual([{ Ref: expect.stringMatching(/^Topic/) }]);
    }
  });
  test('cdk-nag finds nothing', () => {
    expect(findings).toEqual([]);
  });
});

test('alarm thresholds out of range are refused, naming the threshold', () => {
  const cases: Array<[AuroraPostgresAlarmOptions, RegExp]> = [
    [{ cpuUtilizationPercent: 0 }, /invalid alarms\.cpuUtilizationPercent 0\. Allowed: from 1 to 100 percent\. Fix: choose a threshold in that range/],
    [{ cpuUtilizationPercent: 101 }, /invalid alarms\.cpuUtilizationPercent 101\./],
    [{ freeableMemoryPercent: 100 }, /invalid alarms\.freeableMemoryPercent 100\. Allowed: from 1 to 99 percent of the class's memory/],
    [{ connectionsPercent: -5 }, /invalid alarms\.connectionsPercent -5\./],
    [{ acuUtilizationPercent: 150 }, /invalid alarms\.acuUtilizationPercent 150\./],
    [{ deadlocksPerSecond: -1 }, /invalid alarms\.deadlocksPerSecond -1\./],
    [{ replicaLag: Duration.hours(2) }, /invalid alarms\.replicaLag 7200000\. Allowed: from 10 to 3600000 milliseconds/],
    [{ freeLocalStorage: Size.mebibytes(0) }, /invalid alarms\.freeLocalStorage 0\. Allowed: more than 0 and at most/],
  ];
  for (const [alarms, message] of cases) {
    expect(() => synth({ alarms })).toThrow(message);
  }
});
