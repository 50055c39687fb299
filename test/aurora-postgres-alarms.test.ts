import { Duration, Size } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AuroraPostgres, AuroraPostgresAlarmOptions, AuroraPostgresProps } from '../src';
import { nagFindings, testStack } from './util';

const GIB = 1024 ** 3;
const env = { account: '123456789012', region: 'us-east-1' };

/** WHEN: a cluster with `props` (and a topic); synthesizes once; with `nag`, cdk-nag runs in that one synthesis (a second synthesis would not run it). */
function synth(props: Partial<AuroraPostgresProps> = {}, withTopic = false, nag = false) {
  const { app, stack, vpc } = testStack({ env });
  const topic = withTopic ? new sns.Topic(stack, 'Topic', { enforceSSL: true }) : undefined;
  const db = new AuroraPostgres(stack, 'rds', { vpc, ...props, alarms: { ...props.alarms, topic } });
  const findings = nag ? nagFindings(app) : undefined;
  return { app, db, findings, template: Template.fromStack(stack) };
}

/** Alarm logical id prefix -> [metric, threshold, comparison, evaluation periods, instance ref]. */
function alarmsOf(template: Template): Record<string, [string, number, string, number, string]> {
  return Object.fromEntries(Object.entries<any>(template.findResources('AWS::CloudWatch::Alarm'))
    .filter(([id]) => !id.startsWith('rdsProxy')).map(([id, r]) => {
      const p = r.Properties;
      expect(p.Namespace).toBe('AWS/RDS');
      expect(p.TreatMissingData).toBe('notBreaching');
      const instance = p.Dimensions.find((d: any) => d.Name === 'DBInstanceIdentifier').Value.Ref;
      return [id.replace(/[0-9A-F]{8}$/, ''), [p.MetricName, p.Threshold, p.ComparisonOperator, p.EvaluationPeriods, instance]];
    }));
}

describe('alarms with their defaults on a provisioned writer (db.t4g.medium, 4 GiB)', () => {
  const writer = expect.stringMatching(/^rdsClusterWriter/);

  test('CPU, connections, transaction IDs, cache hits, CPU credits, memory, local storage, deadlocks; no replica lag or ACU alarm', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template, db } = synth();
    // THEN
    const alarms = alarmsOf(template);
    expect(alarms).toEqual({
      rdsWriterCpuAlarm: ['CPUUtilization', 80, 'GreaterThanThreshold', 3, writer],
      // AWS's published max_connections for db.t4g.medium is 405 (the formula on 4 GiB would say 450); 80 % of it.
      rdsWriterConnectionsAlarm: ['DatabaseConnections', 324, 'GreaterThanThreshold', 2, writer],
      rdsWriterTransactionIdsAlarm: ['MaximumUsedTransactionIDs', 1_000_000_000, 'GreaterThanThreshold', 1, writer],
      rdsWriterBufferCacheHitRatioAlarm: ['BufferCacheHitRatio', 90, 'LessThanThreshold', 3, writer],
      rdsWriterCpuCreditBalanceAlarm: ['CPUCreditBalance', 50, 'LessThanThreshold', 3, writer],
      rdsWriterFreeableMemoryAlarm: ['FreeableMemory', Math.floor(4 * GIB * 0.1), 'LessThanThreshold', 3, writer],
      rdsWriterFreeLocalStorageAlarm: ['FreeLocalStorage', 2 * GIB, 'LessThanThreshold', 1, writer],
      rdsWriterDeadlocksAlarm: ['Deadlocks', 0, 'GreaterThanThreshold', 1, writer],
    });
    expect(db.alarms).toHaveLength(8);
  });

  test('statistics and periods: thresholds are in the metric\'s own unit (count, percent, bytes, credits)', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth();
    // THEN
    const props = (metric: string) => Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'))
      .map(r => r.Properties).find(p => p.MetricName === metric);
    expect(props('MaximumUsedTransactionIDs')).toMatchObject({ Statistic: 'Maximum', Period: 300 });
    expect(props('BufferCacheHitRatio')).toMatchObject({ Statistic: 'Average', Period: 300 });
    expect(props('CPUCreditBalance')).toMatchObject({ Statistic: 'Minimum', Period: 300 });
    expect(props('DatabaseConnections').AlarmDescription).toMatch(/80% of max_connections 405, AWS's published default for the class/);
  });

  test('no topic: no alarm actions and no event subscription', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth();
    // THEN
    template.resourceCountIs('AWS::RDS::EventSubscription', 0);

    for (const r of Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(r.Properties.AlarmActions).toBeUndefined();
      expect(r.Properties.OKActions).toBeUndefined();
    }
  });
});

describe('alarms on other classes and variants', () => {
  test('readers: replica lag on every instance (roles change on failover); db.r6g.large: 16 GiB, no CPU credits', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ multiAz: true, instanceClass: 'db.r6g.large' });
    // THEN
    const alarms = alarmsOf(template);
    expect(alarms.rdsWriterReplicaLagAlarm.slice(0, 4)).toEqual(['AuroraReplicaLag', 5000, 'GreaterThanThreshold', 2]);
    expect(alarms.rdsReader1ReplicaLagAlarm[4]).toMatch(/^rdsClusterReader1/);
    // AWS's published max_connections for db.r6g.large is 1722 (the formula on 16 GiB would say 1802); 80 % = 1377.
    expect(alarms.rdsReader1ConnectionsAlarm[1]).toBe(1377);
    expect(alarms.rdsReader1FreeableMemoryAlarm[1]).toBe(Math.floor(16 * GIB * 0.1));
    expect(alarms.rdsReader1CpuCreditBalanceAlarm).toBeUndefined();
    expect(Object.keys(alarms)).toHaveLength(16);
  });

  test.each<[string, number, string]>([
    ['db.t3.medium', 336, 'published'], // 420 in AWS's table
    ['db.r5.xlarge', 2640, 'published'], // 3300
    ['db.x2g.large', 2783, 'published'], // 3479
    ['db.r6g.2xlarge', 4000, 'published'], // 5000
    // Missing from AWS's table: the formula on the class's memory (an upper estimate), said so in the description.
    ['db.r7g.large', 1441, 'estimated'], // LEAST(16 GiB / 9531392, 5000) = 1802
    ['db.r8g.xlarge', 2883, 'estimated'], // 3604
  ])('%s: 80%% of max_connections is %d (%s)', (instanceClass, threshold, how) => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ instanceClass });
    // THEN
    const alarm = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'))
      .map(r => r.Properties).find(p => p.MetricName === 'DatabaseConnections');
    expect(alarm.Threshold).toBe(threshold);
    expect(alarm.AlarmDescription).toMatch(how === 'published' ? /AWS's published default/ : /estimated with AWS's formula/);
  });

  test('Serverless v2: ACU utilization instead of freeable memory and local storage; connections from the maximum ACUs', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ instanceClass: 'serverless', serverlessV2MaxCapacity: 16 });
    // THEN
    const alarms = alarmsOf(template);
    expect(Object.keys(alarms).sort()).toEqual(['rdsWriterAcuUtilizationAlarm', 'rdsWriterBufferCacheHitRatioAlarm',
      'rdsWriterConnectionsAlarm', 'rdsWriterCpuAlarm', 'rdsWriterDeadlocksAlarm', 'rdsWriterTransactionIdsAlarm']);
    expect(alarms.rdsWriterAcuUtilizationAlarm.slice(0, 4)).toEqual(['ACUUtilization', 90, 'GreaterThanThreshold', 3]);
    // 16 ACUs = 32 GiB: LEAST(32 GiB / 9531392, 5000) = 3604; 80 % = 2883.
    expect(alarms.rdsWriterConnectionsAlarm[1]).toBe(2883);
  });

  test('max_connections set in parameters is the one compared with', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ parameters: { max_connections: '1000' } });
    // THEN
    const alarms = alarmsOf(template);
    expect(alarms.rdsWriterConnectionsAlarm[1]).toBe(800);
  });

  test('max_connections given as a formula: the class\'s published default', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ parameters: { max_connections: 'LEAST({DBInstanceClassMemory/9531392},5000)' } });
    // THEN
    const alarms = alarmsOf(template);
    expect(alarms.rdsWriterConnectionsAlarm[1]).toBe(324);
  });

  test('thresholds given as props', () => {
    // GIVEN
    const options: AuroraPostgresAlarmOptions = {
      cpuUtilizationPercent: 95,
      freeableMemoryPercent: 5,
      connectionsPercent: 50,
      replicaLag: Duration.millis(500),
      freeLocalStorage: Size.gibibytes(10),
      deadlocksPerSecond: 1,
      maximumUsedTransactionIds: 500_000_000,
      bufferCacheHitRatioPercent: 95,
      cpuCreditBalance: 100,
    };
    // WHEN
    const { template } = synth({ multiAz: true, alarms: options });
    // THEN
    const alarms = alarmsOf(template);
    expect(alarms.rdsWriterCpuAlarm[1]).toBe(95);
    expect(alarms.rdsWriterFreeableMemoryAlarm[1]).toBe(Math.floor(4 * GIB * 0.05));
    expect(alarms.rdsWriterConnectionsAlarm[1]).toBe(202); // 50 % of 405
    expect(alarms.rdsWriterTransactionIdsAlarm[1]).toBe(500_000_000);
    expect(alarms.rdsWriterBufferCacheHitRatioAlarm[1]).toBe(95);
    expect(alarms.rdsWriterCpuCreditBalanceAlarm[1]).toBe(100);
    expect(alarms.rdsReader1ReplicaLagAlarm[1]).toBe(500);
    expect(alarms.rdsWriterFreeLocalStorageAlarm[1]).toBe(10 * GIB);
    expect(alarms.rdsWriterDeadlocksAlarm[1]).toBe(1);
  });

  test.each<[string, Partial<AuroraPostgresProps>]>([
    ['global primary', { createGlobalDatabase: true, globalDatabaseId: 'orders-global', engineVersion: rds.AuroraPostgresEngineVersion.VER_17_9 }],
    ['global secondary', { existingGlobalDatabaseId: 'orders-global', engineVersion: rds.AuroraPostgresEngineVersion.VER_17_9 }],
    ['restored', { restoreFromSnapshot: 'before-migration', engineVersion: rds.AuroraPostgresEngineVersion.VER_16_6 }],
  ])('%s: the same alarms on its instances', (_, props) => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth(props);
    // THEN
    const alarms = alarmsOf(template);
    const burstable = props.restoreFromSnapshot !== undefined; // the global variants default to db.r6g.large
    expect(Object.keys(alarms).sort()).toEqual(['rdsWriterBufferCacheHitRatioAlarm', 'rdsWriterConnectionsAlarm',
      'rdsWriterCpuAlarm', ...(burstable ? ['rdsWriterCpuCreditBalanceAlarm'] : []), 'rdsWriterDeadlocksAlarm',
      'rdsWriterFreeLocalStorageAlarm', 'rdsWriterFreeableMemoryAlarm', 'rdsWriterTransactionIdsAlarm']);
  });
});

describe('alarms with a topic', () => {
  test('every alarm notifies the topic when it fires and when it is OK again', () => {
    // GIVEN a stack with a VPC and a topic
    // WHEN
    const { template } = synth({}, true);
    // THEN
    const alarms = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(8);
    for (const a of alarms) {
      expect(a.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Topic/) }]);
      expect(a.Properties.OKActions).toEqual([{ Ref: expect.stringMatching(/^Topic/) }]);
    }
  });
  test('RDS events (failover, failure, maintenance) of the cluster and its instances go to the same topic', () => {
    // GIVEN a stack with a VPC and a topic
    // WHEN
    const { template } = synth({}, true);
    // THEN
    template.resourceCountIs('AWS::RDS::EventSubscription', 2);
    template.hasResourceProperties('AWS::RDS::EventSubscription', {
      SnsTopicArn: { Ref: Match.stringLikeRegexp('^Topic') },
      SourceType: 'db-cluster',
      SourceIds: [{ Ref: Match.stringLikeRegexp('^rdsCluster') }],
      EventCategories: ['failover', 'failure', 'maintenance'],
      Enabled: true,
    });
    template.hasResourceProperties('AWS::RDS::EventSubscription', {
      SourceType: 'db-instance',
      SourceIds: [{ Ref: Match.stringLikeRegexp('^rdsClusterWriter') }],
      EventCategories: ['availability', 'failover', 'failure', 'maintenance'],
    });
  });
  test('the topic lets RDS events publish, from this account\'s event subscriptions only', () => {
    // GIVEN a stack with a VPC and a topic
    // WHEN
    const { template } = synth({}, true);
    // THEN
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Allow',
          Principal: { Service: 'events.rds.amazonaws.com' },
          Action: 'sns:Publish',
          Condition: {
            StringEquals: { 'aws:SourceAccount': '123456789012' },
            ArnLike: { 'aws:SourceArn': Match.anyValue() },
          },
        })]),
      },
    });
    // arn:<partition>:rds:us-east-1:123456789012:es:* - any event subscription of this account and region.
    const policy = JSON.stringify(Object.values<any>(template.findResources('AWS::SNS::TopicPolicy'))[0]);
    expect(policy).toContain(':rds:us-east-1:123456789012:es:*');
  });
  test('cdk-nag finds nothing', () => {
    // GIVEN a stack with a VPC and a topic
    // WHEN
    const { findings } = synth({}, true, true);
    // THEN
    expect(findings).toEqual([]);
  });
});

test('events: false keeps the alarms and drops the event subscriptions', () => {
  // GIVEN a stack with a VPC and a topic
  // WHEN
  const { template } = synth({ alarms: { events: false } }, true);
  // THEN
  template.resourceCountIs('AWS::RDS::EventSubscription', 0);
  expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm'))).toHaveLength(8);
});

test('an imported topic: event subscriptions, and a warning that its owner must let RDS publish', () => {
  // GIVEN
  const { app, stack, vpc } = testStack({ env });
  const topic = sns.Topic.fromTopicArn(stack, 'Imported', 'arn:aws:sns:us-east-1:123456789012:db-alarms');
  // WHEN
  new AuroraPostgres(stack, 'rds', { vpc, alarms: { topic } });
  // THEN
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::RDS::EventSubscription', 2);
  template.resourceCountIs('AWS::SNS::TopicPolicy', 0);
  Annotations.fromStack(stack).hasWarning('/TestStack/rds', Match.stringLikeRegexp('allow events.rds.amazonaws.com to sns:Publish'));
  expect(app).toBeDefined();
});

/** WHEN: a cluster with a proxy and a topic; its proxy alarms' properties by logical id prefix. */
function proxyAlarmsOf() {
  const { template, db } = synth({ proxy: true }, true);
  const proxyAlarms = Object.fromEntries(Object.entries<any>(template.findResources('AWS::CloudWatch::Alarm'))
    .filter(([id]) => id.startsWith('rdsProxy')).map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ''), r.Properties]));
  return { db, proxyAlarms };
}

describe('proxy alarms', () => {
  const proxyName = { Ref: expect.stringMatching(/^rdsProxy[0-9A-F]{8}$/) };
  const metricOf = (p: any, id: string) => p.Metrics.find((m: any) => m.Id === id).MetricStat;

  test('three alarms on the proxy, with the instance alarms, all notifying the topic', () => {
    // GIVEN a stack with a VPC and a topic
    // WHEN
    const { db, proxyAlarms } = proxyAlarmsOf();
    // THEN
    expect(Object.keys(proxyAlarms).sort()).toEqual(['rdsProxyAvailabilityAlarm', 'rdsProxyConnectionsAlarm', 'rdsProxyPinnedAlarm']);
    expect(db.alarms).toHaveLength(11);
    for (const p of Object.values<any>(proxyAlarms)) {
      expect(p.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Topic/) }]);
      expect(p.TreatMissingData).toBe('notBreaching');
    }
  });

  test('connections: database connections as a percentage of what the proxy may open, above 80 % for 5 minutes', () => {
    // GIVEN a stack with a VPC and a topic
    // WHEN
    const { proxyAlarms } = proxyAlarmsOf();
    // THEN
    const p = proxyAlarms.rdsProxyConnectionsAlarm;
    expect(p).toMatchObject({ Threshold: 80, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 5, DatapointsToAlarm: 5 });
    expect(p.Metrics.find((m: any) => m.ReturnData !== false).Expression).toBe('100 * used / allowed');
    expect(metricOf(p, 'used')).toEqual({
      Metric: { Namespace: 'AWS/RDS', MetricName: 'DatabaseConnections', Dimensions: [{ Name: 'ProxyName', Value: proxyName }] },
      Period: 60,
      Stat: 'Maximum',
    });
    expect(metricOf(p, 'allowed').Metric.MetricName).toBe('MaxDatabaseConnectionsAllowed');
  });

  test('pinning: session-pinned connections above 50 % of what the proxy may open', () => {
    // GIVEN a stack with a VPC and a topic
    // WHEN
    const { proxyAlarms } = proxyAlarmsOf();
    // THEN
    const p = proxyAlarms.rdsProxyPinnedAlarm;
    expect(p.Threshold).toBe(50);
    expect(metricOf(p, 'used').Metric.MetricName).toBe('DatabaseConnectionsCurrentlySessionPinned');
  });

  test('availability: the read/write target below 99 % for 3 minutes', () => {
    // GIVEN a stack with a VPC and a topic
    // WHEN
    const { proxyAlarms } = proxyAlarmsOf();
    // THEN
    expect(proxyAlarms.rdsProxyAvailabilityAlarm).toMatchObject({
      Namespace: 'AWS/RDS',
      MetricName: 'AvailabilityPercentage',
      Statistic: 'Average',
      Period: 60,
      Threshold: 99,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 3,
      Dimensions: [{ Name: 'ProxyName', Value: proxyName }, { Name: 'TargetGroup', Value: 'default' }, { Name: 'TargetRole', Value: 'READ_WRITE' }],
    });
  });

  test('thresholds given as props', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const given = synth({ proxy: true, alarms: { proxyConnectionsPercent: 70, proxyPinnedPercent: 20, proxyAvailabilityPercent: 100 } });
    // THEN
    const thresholds = Object.entries<any>(given.template.findResources('AWS::CloudWatch::Alarm'))
      .filter(([id]) => id.startsWith('rdsProxy')).map(([, r]) => r.Properties.Threshold).sort((a, b) => a - b);
    expect(thresholds).toEqual([20, 70, 100]);
  });
});

test('alarm thresholds out of range are refused, naming the threshold', () => {
  // GIVEN
  const cases: Array<[AuroraPostgresAlarmOptions, RegExp]> = [
    [{ cpuUtilizationPercent: 0 }, /\[ALARM_THRESHOLD_RANGE\].*invalid alarms\.cpuUtilizationPercent 0\. Allowed: from 1 to 100 percent/],
    [{ cpuUtilizationPercent: 101 }, /invalid alarms\.cpuUtilizationPercent 101\./],
    [{ freeableMemoryPercent: 100 }, /invalid alarms\.freeableMemoryPercent 100\. Allowed: from 1 to 99 percent of the class's memory/],
    [{ connectionsPercent: -5 }, /invalid alarms\.connectionsPercent -5\./],
    [{ acuUtilizationPercent: 150 }, /invalid alarms\.acuUtilizationPercent 150\./],
    [{ deadlocksPerSecond: -1 }, /invalid alarms\.deadlocksPerSecond -1\./],
    [{ replicaLag: Duration.hours(2) }, /invalid alarms\.replicaLag 7200000\. Allowed: from 10 to 3600000 milliseconds/],
    [{ freeLocalStorage: Size.mebibytes(0) }, /invalid alarms\.freeLocalStorage 0\. Allowed: more than 0 and at most/],
    [{ maximumUsedTransactionIds: 3_000_000_000 }, /invalid alarms\.maximumUsedTransactionIds 3000000000\. Allowed: from 100000000 to 2000000000 transaction IDs/],
    [{ bufferCacheHitRatioPercent: 0 }, /invalid alarms\.bufferCacheHitRatioPercent 0\./],
    [{ cpuCreditBalance: -1 }, /invalid alarms\.cpuCreditBalance -1\./],
    [{ proxyConnectionsPercent: 0 }, /invalid alarms\.proxyConnectionsPercent 0\./],
    [{ proxyPinnedPercent: 101 }, /invalid alarms\.proxyPinnedPercent 101\./],
    [{ proxyAvailabilityPercent: 0 }, /invalid alarms\.proxyAvailabilityPercent 0\./],
  ];
  // WHEN
  const creates = cases.map(([alarms, message]) => [() => synth({ alarms }), message] as const);
  // THEN
  for (const [create, message] of creates) {
    expect(create).toThrow(message);
  }
});

test('an encrypted topic: RDS events may use its key to publish', () => {
  // GIVEN
  const { stack, vpc } = testStack({ env });
  const masterKey = new kms.Key(stack, 'TopicKey', { enableKeyRotation: true });
  const topic = new sns.Topic(stack, 'Topic', { masterKey, enforceSSL: true });
  // WHEN
  new AuroraPostgres(stack, 'rds', { vpc, alarms: { topic } });
  // THEN
  Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: {
      Statement: Match.arrayWith([Match.objectLike({
        Principal: { Service: 'events.rds.amazonaws.com' },
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      })]),
    },
  });
});
