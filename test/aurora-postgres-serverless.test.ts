import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AuroraPostgres, AuroraPostgresProps } from '../src';
import { nagFindings, testStack } from './util';
import { supportsAutoPause } from '../src/private/serverless';

/** WHEN: an AuroraPostgres with `props` in a test stack with a VPC. */
function synth(props: Partial<AuroraPostgresProps>) {
  const { app, stack, vpc } = testStack();
  const db = new AuroraPostgres(stack, 'rds', { vpc, ...props });
  return { app, stack, db, template: Template.fromStack(stack) };
}

describe("instanceClass: 'serverless' (Aurora Serverless v2)", () => {
  test('db.serverless instances with the default capacity range 0.5 to 2 ACUs', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ instanceClass: 'serverless' });
    // THEN
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 2 },
    });
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', PubliclyAccessible: false });
  });

  test('0 ACU minimum pauses idle instances, after the given duration', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({
      instanceClass: 'serverless',
      serverlessV2MinCapacity: 0,
      serverlessV2MaxCapacity: 4,
      serverlessV2AutoPauseDuration: Duration.minutes(30),
    });
    // THEN
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 1800 },
    });
  });

  test('multiAz: the reader scales with the writer', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ instanceClass: 'serverless', multiAz: true });
    // THEN
    template.resourceCountIs('AWS::RDS::DBInstance', 2);
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', PromotionTier: 1 });
  });

  test('works on either side of a global database', () => {
    // GIVEN two stacks with a VPC
    // WHEN
    const primary = synth({ instanceClass: 'serverless', createGlobalDatabase: true, engineVersion: rds.AuroraPostgresEngineVersion.VER_17_9 });
    const secondary = synth({ instanceClass: 'serverless', existingGlobalDatabaseId: 'orders-global', engineVersion: rds.AuroraPostgresEngineVersion.VER_17_9 });
    // THEN
    primary.template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' });
    secondary.template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' });
  });

  test('auto-pause on a global member is a warning', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { stack } = synth({ instanceClass: 'serverless', serverlessV2MinCapacity: 0, createGlobalDatabase: true, engineVersion: rds.AuroraPostgresEngineVersion.VER_17_9 });
    // THEN
    Annotations.fromStack(stack).hasWarning('/TestStack/rds', Match.stringLikeRegexp('may never pause'));
  });

  test('cdk-nag finds nothing', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { app } = synth({ instanceClass: 'serverless', serverlessV2MinCapacity: 0 });
    // THEN
    expect(nagFindings(app)).toEqual([]);
  });

  test.each([
    ['13.14', false], ['13.15', true], ['14.12', true], ['15.6', false], ['15.7', true], ['16.2', false], ['16.3', true], ['17.1', true], ['12.22', false],
  ])('auto-pause support of Aurora PostgreSQL %s: %s', (version, supported) => {
    // GIVEN an Aurora PostgreSQL version
    // WHEN
    const supports = supportsAutoPause(version);
    // THEN
    expect(supports).toBe(supported);
  });
});

describe('serverless errors', () => {
  /** WHEN: building an AuroraPostgres with `props` (for `toThrow`). */
  const bad = (props: Partial<AuroraPostgresProps>) => () => synth(props);
  test('capacity props on provisioned instances', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ serverlessV2MaxCapacity: 8 });
    // THEN
    expect(create).toThrow(/\[SERVERLESS_PROPS_WITHOUT_SERVERLESS\].*invalid serverlessV2MaxCapacity '8'/);
  });
  test('minimum above maximum', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ instanceClass: 'serverless', serverlessV2MinCapacity: 8, serverlessV2MaxCapacity: 4 });
    // THEN
    expect(create).toThrow(/\[SERVERLESS_MIN_ABOVE_MAX\].*serverlessV2MaxCapacity \(4\)/);
  });
  test('capacity not in 0.5 steps', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ instanceClass: 'serverless', serverlessV2MaxCapacity: 2.25 });
    // THEN
    expect(create).toThrow(/\[SERVERLESS_CAPACITY_RANGE\].*invalid serverlessV2MaxCapacity 2\.25/);
  });
  test('capacity over 256', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ instanceClass: 'serverless', serverlessV2MaxCapacity: 300 });
    // THEN
    expect(create).toThrow(/\[SERVERLESS_CAPACITY_RANGE\].*invalid serverlessV2MaxCapacity 300/);
  });
  test('negative minimum', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ instanceClass: 'serverless', serverlessV2MinCapacity: -1 });
    // THEN
    expect(create).toThrow(/\[SERVERLESS_CAPACITY_RANGE\].*invalid serverlessV2MinCapacity -1/);
  });
  test('auto-pause on an engine version without it', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ instanceClass: 'serverless', serverlessV2MinCapacity: 0, engineVersion: rds.AuroraPostgresEngineVersion.VER_15_5 });
    // THEN
    expect(create).toThrow(/\[SERVERLESS_AUTO_PAUSE_VERSION\].*this cluster runs 15\.5/);
  });
  test('an auto-pause duration without a 0 minimum', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ instanceClass: 'serverless', serverlessV2AutoPauseDuration: Duration.hours(1) });
    // THEN
    expect(create).toThrow(/\[SERVERLESS_AUTO_PAUSE_WITHOUT_ZERO_MIN\].*'1 hour'/);
  });
  test('an auto-pause duration out of range', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = bad({ instanceClass: 'serverless', serverlessV2MinCapacity: 0, serverlessV2AutoPauseDuration: Duration.minutes(1) });
    // THEN
    expect(create).toThrow(/\[SERVERLESS_AUTO_PAUSE_DURATION_RANGE\].*'1 minute'/);
  });
});
