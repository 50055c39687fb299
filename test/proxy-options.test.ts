import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AuroraPostgres, AuroraPostgresProps, ProxyOptions } from '../src';
import { testStack } from './util';

const env = { account: '123456789012', region: 'us-east-1' };

/** WHEN: a cluster with a proxy and `props`, in a test stack with a VPC. */
function synth(props: Partial<AuroraPostgresProps> = {}) {
  const { stack, vpc } = testStack({ env });
  const db = new AuroraPostgres(stack, 'rds', { vpc, proxy: true, ...props });
  return { db, template: Template.fromStack(stack) };
}

function proxyNameOf(template: Template): string {
  const proxies = Object.values<any>(template.findResources('AWS::RDS::DBProxy'));
  expect(proxies).toHaveLength(1);
  return proxies[0].Properties.DBProxyName;
}

const RDS_PROXY_NAME = /^[a-z](?!.*--)[a-z0-9-]{0,59}$/;

describe('the proxy name', () => {
  test('stack name, construct path and a hash: not aws-cdk-lib\'s `Proxy`', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const name = proxyNameOf(synth().template);
    // THEN
    expect(name).toMatch(/^teststack-rds-proxy-[0-9a-f]{8}$/);
    expect(name).toMatch(RDS_PROXY_NAME);
  });

  test('the same construct path in two stacks of one account and region (an app deployed twice by stack name)', () => {
    // GIVEN two stacks of one app, by stack name
    // WHEN each has a cluster with a proxy at the same construct path
    const names = ['orders-dev', 'orders-prod'].map(stackName => {
      const app = new App({ builtinCloudFormationValidation: false });
      const stack = new Stack(app, 'Db', { env, stackName });
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
      new AuroraPostgres(stack, 'rds', { vpc, proxy: true });
      return proxyNameOf(Template.fromStack(stack));
    });
    // THEN
    expect(names[0]).not.toEqual(names[1]);
    expect(names[0]).toMatch(/^orders-dev-rds-proxy-[0-9a-f]{8}$/);
    expect(names[1]).toMatch(/^orders-prod-rds-proxy-[0-9a-f]{8}$/);
  });

  test('two databases with a proxy in one stack get two names', () => {
    // GIVEN
    const { stack, vpc } = testStack({ env });
    // WHEN
    new AuroraPostgres(stack, 'orders', { vpc, proxy: true });
    new AuroraPostgres(stack, 'billing', { vpc, proxy: true });
    // THEN
    const names = Object.values<any>(Template.fromStack(stack).findResources('AWS::RDS::DBProxy')).map(p => p.Properties.DBProxyName);
    expect(new Set(names).size).toBe(2);
  });

  test('a long stack name and path: cut to 60 characters, still valid and unique', () => {
    // GIVEN
    const app = new App({ builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'Long', { env, stackName: `a${'-very-long-stack-name'.repeat(6)}` });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    // WHEN
    new AuroraPostgres(stack, 'OrdersDatabaseWithAVeryLongConstructId', { vpc, proxy: true });
    // THEN
    const name = proxyNameOf(Template.fromStack(stack));
    expect(name.length).toBeLessThanOrEqual(60);
    expect(name).toMatch(RDS_PROXY_NAME);
    expect(name).toMatch(/-[0-9a-f]{8}$/);
  });

  test('proxyName keeps a deployed proxy\'s name (e.g. aws-cdk-lib\'s old `Proxy`)', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ proxyOptions: { proxyName: 'Proxy' } });
    // THEN
    expect(proxyNameOf(template)).toBe('Proxy');
  });
});

describe('pool settings', () => {
  test('none given: no pool settings in the template (RDS\'s defaults), debug logging not written', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth();
    // THEN
    const group = Object.values<any>(template.findResources('AWS::RDS::DBProxyTargetGroup'))[0].Properties;
    expect(group.ConnectionPoolConfigurationInfo).toEqual({});
    template.hasResourceProperties('AWS::RDS::DBProxy', { DebugLogging: Match.absent(), IdleClientTimeout: Match.absent() });
  });

  test('every setting reaches the proxy and its target group', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({
      proxyOptions: {
        maxConnectionsPercent: 90,
        maxIdleConnectionsPercent: 10,
        borrowTimeout: Duration.seconds(30),
        idleClientTimeout: Duration.minutes(15),
        debugLogging: true,
      },
    });
    // THEN
    template.hasResourceProperties('AWS::RDS::DBProxyTargetGroup', {
      TargetGroupName: 'default',
      ConnectionPoolConfigurationInfo: { MaxConnectionsPercent: 90, MaxIdleConnectionsPercent: 10, ConnectionBorrowTimeout: 30 },
    });
    template.hasResourceProperties('AWS::RDS::DBProxy', { IdleClientTimeout: 900, DebugLogging: true });
  });

  test('maxIdleConnectionsPercent alone: RDS wants MaxConnectionsPercent with it, so its default (100) is written', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ proxyOptions: { maxIdleConnectionsPercent: 20 } });
    // THEN
    template.hasResourceProperties('AWS::RDS::DBProxyTargetGroup', {
      ConnectionPoolConfigurationInfo: { MaxConnectionsPercent: 100, MaxIdleConnectionsPercent: 20 },
    });
  });

  test('the ends of AWS\'s ranges are accepted', () => {
    // GIVEN
    const ends: ProxyOptions[] = [
      { maxConnectionsPercent: 1, maxIdleConnectionsPercent: 0, borrowTimeout: Duration.seconds(0), idleClientTimeout: Duration.seconds(1) },
      { maxConnectionsPercent: 100, maxIdleConnectionsPercent: 100, borrowTimeout: Duration.hours(1), idleClientTimeout: Duration.hours(8) },
    ];
    // WHEN
    const creates = ends.map(proxyOptions => () => synth({ proxyOptions }));
    // THEN
    for (const create of creates) expect(create).not.toThrow();
  });
});

describe('range errors', () => {
  test('maxConnectionsPercent 0', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = () => synth({ proxyOptions: { maxConnectionsPercent: 0 } });
    // THEN
    expect(create).toThrow(/\[PROXY_PERCENT_RANGE\].*maxConnectionsPercent 0\..*from 1 to 100/);
  });
  test('maxConnectionsPercent 101', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = () => synth({ proxyOptions: { maxConnectionsPercent: 101 } });
    // THEN
    expect(create).toThrow(/\[PROXY_PERCENT_RANGE\].*maxConnectionsPercent 101\./);
  });
  test('maxIdleConnectionsPercent above maxConnectionsPercent', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = () => synth({ proxyOptions: { maxConnectionsPercent: 50, maxIdleConnectionsPercent: 60 } });
    // THEN
    expect(create).toThrow(/\[PROXY_PERCENT_RANGE\].*maxIdleConnectionsPercent 60\..*from 0 to 50/);
  });
  test('borrowTimeout above 1 hour', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = () => synth({ proxyOptions: { borrowTimeout: Duration.minutes(61) } });
    // THEN
    expect(create).toThrow(/\[PROXY_TIMEOUT_RANGE\].*borrowTimeout '1 hour 1 minute'/);
  });
  test('borrowTimeout in milliseconds', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = () => synth({ proxyOptions: { borrowTimeout: Duration.millis(1500) } });
    // THEN
    expect(create).toThrow(/\[PROXY_TIMEOUT_RANGE\].*borrowTimeout/);
  });
  test('idleClientTimeout above 8 hours', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = () => synth({ proxyOptions: { idleClientTimeout: Duration.hours(9) } });
    // THEN
    expect(create).toThrow(/\[PROXY_TIMEOUT_RANGE\].*idleClientTimeout '9 hours'/);
  });
  test('idleClientTimeout 0', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = () => synth({ proxyOptions: { idleClientTimeout: Duration.seconds(0) } });
    // THEN
    expect(create).toThrow(/\[PROXY_TIMEOUT_RANGE\].*idleClientTimeout/);
  });
  test('a proxy name RDS refuses', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = () => synth({ proxyOptions: { proxyName: 'orders--proxy' } });
    // THEN
    expect(create).toThrow(/\[PROXY_NAME_INVALID\].*'orders--proxy'/);
  });
  test('proxyOptions without proxy: true', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = () => synth({ proxy: false, proxyOptions: { debugLogging: true } });
    // THEN
    expect(create).toThrow(/\[PROXY_OPTIONS_WITHOUT_PROXY\].*invalid proxyOptions 'debugLogging'/);
  });
});

describe('Serverless v2 auto-pause', () => {
  test('a minimum of 0 ACUs with a proxy is refused: the proxy would keep the instances from pausing', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = () => synth({ instanceClass: 'serverless', serverlessV2MinCapacity: 0, engineVersion: rds.AuroraPostgresEngineVersion.VER_16_6 });
    // THEN
    expect(create).toThrow(/\[PROXY_WITH_AUTO_PAUSE\].*serverlessV2MinCapacity is 0 here/);
  });
  test('a minimum of 0.5 ACUs with a proxy is fine', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ instanceClass: 'serverless', serverlessV2MinCapacity: 0.5 });
    // THEN
    template.resourceCountIs('AWS::RDS::DBProxy', 1);
  });
});
