import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AuroraPostgres, AuroraPostgresProps } from '../src';
import { nagFindings, testStack } from './util';

const env = { account: '123456789012', region: 'us-east-1' };
const SNAPSHOT = 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:before-migration';
const V17 = rds.AuroraPostgresEngineVersion.VER_17_9;

/** Synthesizes once; with `nag`, cdk-nag runs in that one synthesis (a second synthesis would not run it). */
function synth(props: Partial<AuroraPostgresProps> = {}, nag = false) {
  const { app, stack, vpc } = testStack({ env });
  const db = new AuroraPostgres(stack, 'rds', { vpc, ...props });
  const findings = nag ? nagFindings(app) : undefined;
  return { app, db, findings, template: Template.fromStack(stack) };
}

/** Every variant, with what it requires. */
const VARIANTS: Array<[string, Partial<AuroraPostgresProps>]> = [
  ['standard', {}],
  ['serverless', { instanceClass: 'serverless' }],
  ['restored', { restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres', engineVersion: rds.AuroraPostgresEngineVersion.VER_16_6 }],
  ['global primary', { createGlobalDatabase: true, globalDatabaseId: 'orders-global', engineVersion: V17 }],
  ['global secondary', { existingGlobalDatabaseId: 'orders-global', engineVersion: V17 }],
];

describe('defaults leave storage and monitoring as RDS has them', () => {
  test('no StorageType, no DatabaseInsightsMode, 7 days of Performance Insights, no Enhanced Monitoring', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth();
    // THEN
    const cluster = Object.values(template.findResources('AWS::RDS::DBCluster'))[0].Properties;
    expect(cluster.StorageType).toBeUndefined();
    expect(cluster.DatabaseInsightsMode).toBeUndefined();
    expect(cluster.PerformanceInsightsRetentionPeriod).toBe(7);
    template.hasResourceProperties('AWS::RDS::DBInstance', { MonitoringInterval: Match.absent(), PerformanceInsightsRetentionPeriod: 7 });
    template.resourceCountIs('AWS::IAM::Role', 1); // the VPC flow log's role only
  });
});

describe('storageType: I/O-Optimized', () => {
  test.each(VARIANTS)('%s: StorageType aurora-iopt1', (_, props) => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ ...props, storageType: rds.DBClusterStorageType.AURORA_IOPT1 });
    // THEN
    template.hasResourceProperties('AWS::RDS::DBCluster', { StorageType: 'aurora-iopt1' });
  });

  test('Aurora Standard given explicitly is written as such', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ storageType: rds.DBClusterStorageType.AURORA });
    // THEN
    template.hasResourceProperties('AWS::RDS::DBCluster', { StorageType: 'aurora' });
  });

  test('refused on an engine version without it', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = () => synth({ storageType: rds.DBClusterStorageType.AURORA_IOPT1, engineVersion: rds.AuroraPostgresEngineVersion.VER_14_6 });
    // THEN
    expect(create).toThrow(/\[STORAGE_TYPE_VERSION\].*'aurora-iopt1'.*this cluster runs 14\.6/);
  });

  test('the oldest versions that have it are accepted', () => {
    // GIVEN
    const versions = [rds.AuroraPostgresEngineVersion.VER_13_10, rds.AuroraPostgresEngineVersion.VER_14_7,
      rds.AuroraPostgresEngineVersion.VER_15_2, rds.AuroraPostgresEngineVersion.VER_16_1];
    // WHEN
    const creates = versions.map(version => () => synth({ storageType: rds.DBClusterStorageType.AURORA_IOPT1, engineVersion: version }));
    // THEN
    for (const create of creates) expect(create).not.toThrow();
  });
});

describe('databaseInsightsMode: ADVANCED', () => {
  test.each(VARIANTS)('%s: advanced mode with 465 days of Performance Insights on the cluster and every instance', (_, props) => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ ...props, multiAz: true, databaseInsightsMode: rds.DatabaseInsightsMode.ADVANCED });
    // THEN
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      DatabaseInsightsMode: 'advanced', PerformanceInsightsEnabled: true, PerformanceInsightsRetentionPeriod: 465,
    });
    const instances = Object.values(template.findResources('AWS::RDS::DBInstance'));
    expect(instances).toHaveLength(2);
    for (const i of instances) expect(i.Properties.PerformanceInsightsRetentionPeriod).toBe(465);
  });

  test('STANDARD given explicitly is written, retention stays 7 days', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ databaseInsightsMode: rds.DatabaseInsightsMode.STANDARD });
    // THEN
    template.hasResourceProperties('AWS::RDS::DBCluster', { DatabaseInsightsMode: 'standard', PerformanceInsightsRetentionPeriod: 7 });
  });
});

describe('monitoringInterval: Enhanced Monitoring', () => {
  test.each(VARIANTS)('%s: every instance reports every 60 s with the monitoring role', (_, props) => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ ...props, multiAz: true, monitoringInterval: Duration.seconds(60) });
    // THEN
    const instances = Object.values(template.findResources('AWS::RDS::DBInstance'));
    expect(instances).toHaveLength(2);
    for (const i of instances) {
      expect(i.Properties.MonitoringInterval).toBe(60);
      expect(i.Properties.MonitoringRoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^rdsClusterMonitoringRole/), 'Arn'] });
    }
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'monitoring.rds.amazonaws.com' } })] }),
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole']] }],
    });
  });

  test('cdk-nag: the role\'s AWS managed policy is acknowledged with a reason, nothing else is found', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { findings } = synth({ monitoringInterval: Duration.seconds(1) }, true);
    // THEN
    expect(findings).toEqual([]);
  });

  test('an interval Enhanced Monitoring does not offer', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = () => synth({ monitoringInterval: Duration.seconds(2) });
    // THEN
    expect(create).toThrow(/\[MONITORING_INTERVAL_INVALID\].*'2 seconds'/);
  });
});
