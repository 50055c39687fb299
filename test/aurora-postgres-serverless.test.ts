import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AuroraPostgres, AuroraPostgresProps } from '../src';
import { nagFindings, testStack } from './util';
import { supportsAutoPause } from '../src/private/serverless';

function synth(props: Partial<AuroraPostgresProps>) {
  const { app, stack, vpc } = testStack();
  const db = new AuroraPostgres(stack, 'rds', { vpc, ...props });
  return { app, stack, db, template: Template.fromStack(stack) };
}

describe("instanceClass: 'serverless' (Aurora Serverless v2)", () => {
  test('db.serverless instances with the default capacity range 0.5 to 2 ACUs', () => {
    const { template } = synth({ instanceClass: 'serverless' });
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 2 },
    });
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', PubliclyAccessible: false });
  });

  test('0 ACU minimum pauses idle instances, after the given duration', () => {
    const { template } = synth({
      instanceClass: 'serverless',
      serverlessV2MinCapacity: 0,
      serverlessV2MaxCapacity: 4,
      serverlessV2AutoPauseDuration: Duration.minutes(30),
    });
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 1800 },
    });
  });

  test('multiAz: the reader scales with the writer', () => {
    const { template } = synth({ instanceClass: 'serverless', multiAz: true });
    template.resourceCountIs('AWS::RDS::DBInstance', 2);
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', PromotionTier: 1 });
  });

  test('works on either side of a global database', () => {
    synth({ instanceClass: 'serverless', createGlobalDatabase: true, engineVersion: rds.AuroraPostgresEngineVersion.VER_17_9 }).template
      .hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' });
    synth({ instanceClass: 'serverless', existingGlobalDatabaseId: 'orders-global', engineVersion: rds.AuroraPostgresEngineVersion.VER_17_9 }).template
      .hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' });
  });

  test('auto-pause on a global member is a warning', () => {
    const { stack } = synth({ instanceClass: 'serverless', serverlessV2MinCapacity: 0, createGlobalDatabase: true, engineVersion: rds.AuroraPostgresEngineVersion.VER_17_9 });
    Annotations.fromStack(stack).hasWarning('/TestStack/rds', Match.stringLikeRegexp('may never pause'));
  });

  test('cdk-nag finds nothing', () => {
    expect(nagFindings(synth({ instanceClass: 'serverless', serverlessV2MinCapacity: 0 }).app)).toEqual([]);
  });

  test.each([
    ['13.14', false], ['13.15', true], ['14.12', true], ['15.6', false], ['15.7', true], ['16.2', false], ['16.3', true], ['17.1', true], ['12.22', false],
  ])('auto-pause support of Aurora PostgreSQL %s: %s', (version, supported) => {
    expect(supportsAutoPause(version)).toBe(supported);
  });
});

describe('serverless errors', () => {
  const bad = (props: Partial<AuroraPostgresProps>) => () => synth(props);
  test('capacity props on provisioned instances', () => {
    expect(bad({ serverlessV2MaxCapacity: 8 })).toThrow(/invalid serverlessV2MaxCapacity '8'\. Allowed: only with instanceClass: 'serverless'/);
  });
  test('minimum above maximum', () => {
    expect(bad({ instanceClass: 'serverless', serverlessV2MinCapacity: 8, serverlessV2MaxCapacity: 4 }))
      .toThrow(/invalid serverlessV2MinCapacity 8\. Allowed: at most serverlessV2MaxCapacity \(4\)/);
  });
  test('capacity not in 0.5 steps', () => {
    expect(bad({ instanceClass: 'serverless', serverlessV2MaxCapacity: 2.25 })).toThrow(/invalid serverlessV2MaxCapacity 2\.25\. Allowed: 1 to 256 .* steps of 0\.5/);
  });
  test('capacity over 256', () => {
    expect(bad({ instanceClass: 'serverless', serverlessV2MaxCapacity: 300 })).toThrow(/invalid serverlessV2MaxCapacity 300/);
  });
  test('negative minimum', () => {
    expect(bad({ instanceClass: 'serverless', serverlessV2MinCapacity: -1 })).toThrow(/invalid serverlessV2MinCapacity -1\. Allowed: 0 to 256/);
  });
  test('auto-pause on an engine version without it', () => {
    expect(bad({ instanceClass: 'serverless', serverlessV2MinCapacity: 0, engineVersion: rds.AuroraPostgresEngineVersion.VER_15_5 }))
      .toThrow(/invalid serverlessV2MinCapacity 0\. Allowed: 0 \(auto-pause\) only on Aurora PostgreSQL 13\.15, 14\.12, 15\.7, 16\.3 or newer; this cluster runs 15\.5/);
  });
  test('an auto-pause duration without a 0 minimum', () => {
    expect(bad({ instanceClass: 'serverless', serverlessV2AutoPauseDuration: Duration.hours(1) }))
      .toThrow(/invalid serverlessV2AutoPauseDuration '1 hour'\. Allowed: only with serverlessV2MinCapacity: 0/);
  });
  test('an auto-pause duration out of range', () => {
    expect(bad({ instanceClass: 'serverless', serverlessV2MinCapacity: 0, serverlessV2AutoPauseDuration: Duration.minutes(1) }))
      .toThrow(/invalid serverlessV2AutoPauseDuration '1 minute'\. Allowed: 5 minutes to 24 hours/);
  });
});
